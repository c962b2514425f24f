using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Hpo.Scheduler.Persistence;
using Hpo.Workers.Dashboard.Api;
using Hpo.Workers.Dashboard.Forecasts;
using Hpo.Workers.Tests.Chaos;
using Hpo.Workers.Tests.Deciding;
using Hpo.Workers.Tests.Fleet;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The forecast API with the shipped LC-PFN model, and the incremental curves read the pages poll.</summary>
public sealed class DashboardForecastTests : IAsyncLifetime
{
    private DashboardSeed _seed = null!;
    private DashboardTestHost _host = null!;
    private HttpClient _client = null!;

    /// <summary>The shipped default model, by its place in the repository (the tests do not depend on a search).</summary>
    internal static string ModelPath => Path.Combine(FleetHarness.RepoRoot, "models", "lcpfn-default.lcpfn");

    public async Task InitializeAsync()
    {
        _seed = await DashboardSeed.CreateAsync();
        _host = await DashboardTestHost.StartInProcessAsync(_seed.Store, IPAddress.Loopback, o => o.ModelPath = ModelPath);
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Forecast_StoppedTrial_QuantilesOrderedAndMatchHpoLcpfnPredict()
    {
        // cifar10-resnet maximises an accuracy bounded by [0, 1] over 20 epochs, so metric and model space coincide
        // and `hpo lcpfn predict` can be given the same curve as it is.
        using JsonDocument json = await GetJsonAsync($"/api/trials/{_seed.Stopped.Id}/forecast");
        JsonElement f = json.RootElement;
        Assert.Equal(5, f.GetProperty("observedEpochs").GetInt32());
        int[] epochs = Ints(f, "epochs");
        Assert.Equal(Enumerable.Range(6, 15).ToArray(), epochs);
        double[][] q = [Doubles(f, "q05"), Doubles(f, "q25"), Doubles(f, "q50"), Doubles(f, "q75"), Doubles(f, "q95")];
        for (int i = 0; i < epochs.Length; i++)
        {
            for (int level = 1; level < q.Length; level++)
            {
                Assert.True(q[level - 1][i] <= q[level][i], $"epoch {epochs[i]}: quantile {level - 1} {q[level - 1][i]} > quantile {level} {q[level][i]}");
            }
        }

        double p = f.GetProperty("pBeatBest").GetDouble();
        Assert.InRange(p, 0, 1);
        string sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(ModelPath)));
        Assert.Equal(sha, f.GetProperty("model").GetString());

        var observed = (await _seed.Store.GetCurvesAsync([_seed.Stopped.Id]))[_seed.Stopped.Id].OrderBy(o => o.Epoch).Select(o => o.Value.ToString("R", CultureInfo.InvariantCulture));
        var (code, output) = await WorkerProcess.RunAsync(
            TimeSpan.FromSeconds(90), "lcpfn", "predict", "--model", ModelPath, "--curve", string.Join(',', observed), "--at", string.Join(',', epochs), "--json");
        Assert.True(code == 0, output);
        using JsonDocument cli = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..(output.LastIndexOf('}') + 1)]);
        JsonElement[] predictions = [.. cli.RootElement.GetProperty("predictions").EnumerateArray()];
        Assert.Equal(epochs, predictions.Select(e => e.GetProperty("epoch").GetInt32()));
        string[] levels = ["0.05", "0.25", "0.50", "0.75", "0.95"];
        double[] mean = Doubles(f, "mean");
        for (int i = 0; i < epochs.Length; i++)
        {
            Assert.Equal(predictions[i].GetProperty("mean").GetDouble(), mean[i], 1e-6);
            for (int level = 0; level < levels.Length; level++)
            {
                Assert.Equal(predictions[i].GetProperty("quantiles").GetProperty(levels[level]).GetDouble(), q[level][i], 1e-6);
            }
        }
    }

    [Fact]
    public async Task Forecast_LowerIsBetterMetric_QuantilesOrderedInMetricUnits()
    {
        // mnist-mlp minimises a loss with no bounds: the scale is estimated, and the mapping back reverses the order.
        var trial = (await _seed.Store.ListTrialsAsync(_seed.LossExperiment.Id)).Items[0];
        var all = (await _seed.Store.GetCurvesAsync([trial.Id]))[trial.Id];

        // A completed trial has nothing left to forecast: an empty forecast, not an error.
        using JsonDocument json = await GetJsonAsync($"/api/trials/{trial.Id}/forecast");
        Assert.Equal(all.Count, json.RootElement.GetProperty("observedEpochs").GetInt32());
        Assert.Empty(Ints(json.RootElement, "epochs"));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("pBeatBest").ValueKind);

        // The running accuracy trial: every quantile ordered, the median within the 90% band.
        using JsonDocument running = await GetJsonAsync($"/api/trials/{_seed.Running.Id}/forecast");
        double[] q05 = Doubles(running.RootElement, "q05");
        double[] q95 = Doubles(running.RootElement, "q95");
        double[] q50 = Doubles(running.RootElement, "q50");
        Assert.Equal(DashboardSeed.MaxEpochs - _seed.Running.LastEpoch, q50.Length);
        Assert.All(Enumerable.Range(0, q50.Length), i => Assert.True(q05[i] <= q50[i] && q50[i] <= q95[i]));
    }

    [Fact]
    public async Task Forecast_SameCurveAskedTwice_PredictsOnceFromTheCache()
    {
        var forecaster = _host.App.Services.GetRequiredService<DashboardForecaster>();
        long before = forecaster.PredictorCalls;

        using JsonDocument first = await GetJsonAsync($"/api/trials/{_seed.StoppedEarly.Id}/forecast");
        using JsonDocument second = await GetJsonAsync($"/api/trials/{_seed.StoppedEarly.Id}/forecast");

        Assert.Equal(before + 1, forecaster.PredictorCalls);
        Assert.Equal(first.RootElement.GetRawText(), second.RootElement.GetRawText());
    }

    [Fact]
    public async Task Model_Loaded_ReportsItsSha256()
    {
        using JsonDocument json = await GetJsonAsync("/api/model");

        Assert.True(json.RootElement.GetProperty("available").GetBoolean());
        Assert.Equal(64, json.RootElement.GetProperty("model").GetString()!.Length);
        Assert.Equal("lcpfn-default.lcpfn", json.RootElement.GetProperty("fileName").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Forecast_TrialDecidedByAnotherModel_Answers409NamingBothUnlessItIsThisModel(bool sameModel)
    {
        string mine = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(ModelPath)));
        string deciding = sameModel ? mine : new string('a', 64);
        TrialRecord running = (await _seed.Store.GetTrialAsync(_seed.Running.Id))!;
        int epoch = running.LastEpoch + 1;
        await _seed.Store.RecordObservationAsync(_seed.RunningLease, epoch, 0.5);
        await _seed.Store.RecordDecisionAsync(_seed.RunningLease, new DecisionRecord(running.Id, epoch, DecisionAction.Continue, "lcpfn", 0.4, 0.6, 0.5, 0.7, null, _seed.Time.GetUtcNow(), deciding));

        using HttpResponseMessage response = await _client.GetAsync(new Uri($"/api/trials/{running.Id}/forecast", UriKind.Relative));
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        if (sameModel)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(mine, body.RootElement.GetProperty("model").GetString());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("model_mismatch", body.RootElement.GetProperty("error").GetString());
            string message = body.RootElement.GetProperty("message").GetString()!;
            Assert.Contains(deciding, message, StringComparison.Ordinal);
            Assert.Contains(mine, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Forecast_WithoutModel_Answers404NoModelAndModelSaysUnavailable()
    {
        await using DashboardTestHost host = await DashboardTestHost.StartInProcessAsync(_seed.Store, IPAddress.Loopback);
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync(new Uri($"/api/trials/{_seed.Stopped.Id}/forecast", UriKind.Relative));
        using JsonDocument error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using JsonDocument model = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/model", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no_model", error.RootElement.GetProperty("error").GetString());
        Assert.Contains("--model", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(model.RootElement.GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, model.RootElement.GetProperty("model").ValueKind);
    }

    [Fact]
    public async Task Curves_SinceCursor_ReturnsOnlyWhatIsNewer()
    {
        string url = $"/api/experiments/{_seed.Experiment.Id}/curves";
        using JsonDocument full = await GetJsonAsync(url);
        string cursor = full.RootElement.GetProperty("cursor").GetString()!;
        int fullPoints = full.RootElement.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("points").GetArrayLength());
        Assert.Equal(_seed.Observed.Sum(t => t.LastEpoch), fullPoints);

        _seed.Time.Advance(TimeSpan.FromMinutes(5));
        double value = await _seed.AdvanceRunningTrialAsync();
        using JsonDocument next = await GetJsonAsync($"{url}?since={Uri.EscapeDataString(cursor)}");

        JsonElement[] items = [.. next.RootElement.GetProperty("items").EnumerateArray()];
        Assert.Equal(full.RootElement.GetProperty("items").GetArrayLength(), items.Length);
        JsonElement running = items.Single(i => i.GetProperty("trialId").GetInt64() == _seed.Running.Id);
        JsonElement point = Assert.Single(running.GetProperty("points").EnumerateArray());
        Assert.Equal(_seed.Running.LastEpoch + 1, point.GetProperty("epoch").GetInt32());
        Assert.Equal(value, point.GetProperty("value").GetDouble());
        Assert.Equal(_seed.Running.LastEpoch + 1, running.GetProperty("prediction").GetProperty("decisionEpoch").GetInt32());

        Assert.All(items.Where(i => i.GetProperty("trialId").GetInt64() != _seed.Running.Id), i => Assert.Equal(0, i.GetProperty("points").GetArrayLength()));
        Assert.True(Version(next.RootElement.GetProperty("cursor").GetString()!) > Version(cursor));
        Assert.Equal(cursor, next.RootElement.GetProperty("since").GetString());

        // Nothing recorded since: nothing comes back, and the cursor stays.
        string latest = next.RootElement.GetProperty("cursor").GetString()!;
        using JsonDocument quiet = await GetJsonAsync($"{url}?since={Uri.EscapeDataString(latest)}");
        Assert.Equal(0, quiet.RootElement.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("points").GetArrayLength()));
        Assert.All(quiet.RootElement.GetProperty("items").EnumerateArray(), i => Assert.Equal(JsonValueKind.Null, i.GetProperty("prediction").ValueKind));
        Assert.Equal(latest, quiet.RootElement.GetProperty("cursor").GetString());
    }

    [Fact]
    public async Task Curves_CursorOfAnotherDashboardProcess_AnswersInFull()
    {
        string url = $"/api/experiments/{_seed.Experiment.Id}/curves";

        using JsonDocument answer = await GetJsonAsync($"{url}?since=00000000.5");

        Assert.Equal(JsonValueKind.Null, answer.RootElement.GetProperty("since").ValueKind);
        Assert.Equal(_seed.Observed.Sum(t => t.LastEpoch), answer.RootElement.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("points").GetArrayLength()));
    }

    [Fact]
    public async Task SummaryAndCurves_PollAfterTheFirst_ReadOnlyTheChangeFeedNeverEveryCurve()
    {
        var (store, counter) = CountingStore.Wrap(_seed.Store);
        await using DashboardTestHost host = await DashboardTestHost.StartInProcessAsync(store, IPAddress.Loopback);
        using HttpClient client = host.CreateClient();
        string id = _seed.Experiment.Id.ToString(CultureInfo.InvariantCulture);
        string curves = await client.GetStringAsync(new Uri($"/api/experiments/{id}/curves", UriKind.Relative));
        string cursor = JsonDocument.Parse(curves).RootElement.GetProperty("cursor").GetString()!;
        await client.GetStringAsync(new Uri($"/api/experiments/{id}/summary", UriKind.Relative));

        await _seed.AdvanceRunningTrialAsync();
        counter.Reset();
        using JsonDocument summary = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/experiments/{id}/summary", UriKind.Relative)));
        await client.GetStringAsync(new Uri($"/api/experiments/{id}/curves?since={Uri.EscapeDataString(cursor)}", UriKind.Relative));

        // The summary: the experiment, the counts and the change feed with the new epoch's decision; the curves: the
        // experiment, the page of trials and the change feed (nothing new by then). No curve is read.
        Assert.Equal(
            new Dictionary<string, int> { ["CountTrialsAsync"] = 1, ["GetDecisionsAsync"] = 1, ["GetExperimentAsync"] = 2, ["ListTrialsAsync"] = 1, ["ReadObservationChangesAsync"] = 2 },
            counter.Calls);
        Assert.Equal(1, counter.ObservationRowsRead);
        Assert.Equal(_seed.Observed.Sum(t => t.LastEpoch) + 1, summary.RootElement.GetProperty("epochsSpent").GetInt64());
        Assert.Equal(_seed.Observed.Sum(t => t.LastEpoch) + 1, summary.RootElement.GetProperty("bestSoFar").EnumerateArray().Last().GetProperty("epochsSpent").GetInt64());
    }

    [Fact]
    public async Task Curves_BadCursor_Returns400NamingSince()
    {
        using HttpResponseMessage response = await _client.GetAsync(new Uri($"/api/experiments/{_seed.Experiment.Id}/curves?since=yesterday", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("since", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_SeededExperiment_MarksWhereTrialsStoppedAndCompleted()
    {
        using JsonDocument json = await GetJsonAsync($"/api/experiments/{_seed.Experiment.Id}/summary");

        JsonElement[] ends = [.. json.RootElement.GetProperty("trialEnds").EnumerateArray()];
        Assert.Equal(
            [(_seed.StoppedEarly.Number, "stop", 3), (_seed.Stopped.Number, "stop", 5), (_seed.Completed.Number, "complete", 20), (5, "complete", 20)],
            ends.Select(e => (e.GetProperty("trialNumber").GetInt32(), e.GetProperty("action").GetString(), e.GetProperty("epoch").GetInt32())).ToArray());
        long[] spent = [.. ends.Select(e => e.GetProperty("epochsSpent").GetInt64())];
        Assert.Equal(spent.Order(), spent);
        Assert.Equal(json.RootElement.GetProperty("epochsSpent").GetInt64(), spent[^1]);
    }

    private static long Version(string cursor) => long.Parse(cursor[(cursor.IndexOf('.', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);

    private static int[] Ints(JsonElement e, string name) => [.. e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32())];

    private static double[] Doubles(JsonElement e, string name) => [.. e.GetProperty(name).EnumerateArray().Select(x => x.GetDouble())];

    private async Task<JsonDocument> GetJsonAsync(string url)
    {
        using HttpResponseMessage response = await _client.GetAsync(new Uri(url, UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
