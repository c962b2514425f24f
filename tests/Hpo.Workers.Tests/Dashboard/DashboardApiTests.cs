using System.Net;
using System.Text.Json;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The JSON API over a seeded store, as a local client sees it.</summary>
public sealed class DashboardApiTests : IAsyncLifetime
{
    private DashboardSeed _seed = null!;
    private DashboardTestHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _seed = await DashboardSeed.CreateAsync();
        _host = await DashboardTestHost.StartInProcessAsync(_seed.Store, IPAddress.Loopback);
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Experiments_FirstPage_ListsNewestFirstWithTotalsAndBestValues()
    {
        using JsonDocument json = await GetJsonAsync("/api/experiments");

        JsonElement root = json.RootElement;
        Assert.Equal(3, root.GetProperty("totalCount").GetInt64());
        Assert.Equal(1, root.GetProperty("page").GetInt32());
        Assert.Equal(1, root.GetProperty("totalPages").GetInt32());
        string[] names = root.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["empty-experiment", "cifar10-resnet", "mnist-mlp"], names);
        JsonElement cifar = root.GetProperty("items")[1];
        Assert.Equal("running", cifar.GetProperty("status").GetString());
        Assert.Equal("maximize", cifar.GetProperty("direction").GetString());
        Assert.Equal(_seed.Completed.BestValue, cifar.GetProperty("bestValue").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("items")[0].GetProperty("bestValue").ValueKind);
    }

    [Fact]
    public async Task Experiments_SecondPageOfOne_ReturnsTheSecondExperiment()
    {
        using JsonDocument json = await GetJsonAsync("/api/experiments?page=2&pageSize=1");

        Assert.Equal(3, json.RootElement.GetProperty("totalPages").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("pageSize").GetInt32());
        Assert.Equal("cifar10-resnet", Assert.Single(json.RootElement.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("/api/experiments?pageSize=0", "pageSize")]
    [InlineData("/api/experiments?pageSize=501", "pageSize")]
    [InlineData("/api/experiments?page=0", "page")]
    [InlineData("/api/experiments?page=two", "page")]
    [InlineData("/api/experiments?page=2147483647", "page")]
    [InlineData("/api/experiments/2/trials?status=done", "status")]
    public async Task Listing_BadQuery_Returns400NamingTheParameter(string url, string parameter)
    {
        using HttpResponseMessage response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("bad_request", json.RootElement.GetProperty("error").GetString());
        Assert.StartsWith(parameter + " must", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/experiments/99")]
    [InlineData("/api/experiments/99/summary")]
    [InlineData("/api/experiments/99/trials")]
    [InlineData("/api/experiments/99/curves")]
    [InlineData("/api/trials/999")]
    [InlineData("/api/trials/999/curve")]
    [InlineData("/api/trials/999/decisions")]
    public async Task Get_UnknownId_Returns404Json(string url)
    {
        using HttpResponseMessage response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("not_found", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Experiment_Detail_CarriesConfigurationAsJson()
    {
        using JsonDocument json = await GetJsonAsync($"/api/experiments/{_seed.Experiment.Id}");

        JsonElement root = json.RootElement;
        Assert.Equal(DashboardSeed.MaxEpochs, root.GetProperty("maxEpochs").GetInt32());
        Assert.Equal("float", root.GetProperty("searchSpace").GetProperty("learning_rate").GetProperty("type").GetString());
        Assert.Equal("lcpfn", root.GetProperty("policy").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("settings").ValueKind);
    }

    [Fact]
    public async Task Trials_FilteredByStatus_ReturnsOnlyThoseTrials()
    {
        using JsonDocument json = await GetJsonAsync($"/api/experiments/{_seed.Experiment.Id}/trials?status=stopped");

        JsonElement[] items = json.RootElement.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(2, json.RootElement.GetProperty("totalCount").GetInt64());
        Assert.Equal([_seed.Stopped.Number, _seed.StoppedEarly.Number], items.Select(t => t.GetProperty("number").GetInt32()));
        Assert.All(items, t => Assert.Equal("stopped", t.GetProperty("status").GetString()));
        Assert.StartsWith("LC-PFN", items[0].GetProperty("stopReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0.0003, items[0].GetProperty("parameters").GetProperty("learning_rate").GetDouble());
        Assert.False(items[0].TryGetProperty("leaseToken", out _));
    }

    [Fact]
    public async Task Curves_AllTrials_HaveTheirPointsAndForecastsOnlyForRunningAndStopped()
    {
        using JsonDocument json = await GetJsonAsync($"/api/experiments/{_seed.Experiment.Id}/curves?pageSize=500");

        var curves = json.RootElement.GetProperty("items").EnumerateArray().ToDictionary(c => c.GetProperty("trialId").GetInt64());
        Assert.Equal(_seed.Trials.Count, curves.Count);
        Assert.Equal(DashboardSeed.MaxEpochs, curves[_seed.Completed.Id].GetProperty("points").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, curves[_seed.Completed.Id].GetProperty("prediction").ValueKind);
        Assert.Equal(JsonValueKind.Null, curves[_seed.Failed.Id].GetProperty("prediction").ValueKind);
        Assert.Equal(0, curves[_seed.Pending.Id].GetProperty("points").GetArrayLength());

        JsonElement stopped = curves[_seed.Stopped.Id];
        JsonElement lastPoint = stopped.GetProperty("points")[_seed.Stopped.LastEpoch - 1];
        JsonElement band = stopped.GetProperty("prediction");
        Assert.Equal(_seed.Stopped.LastEpoch, band.GetProperty("fromEpoch").GetInt32());
        Assert.Equal(lastPoint.GetProperty("value").GetDouble(), band.GetProperty("fromValue").GetDouble());
        Assert.Equal(DashboardSeed.MaxEpochs, band.GetProperty("toEpoch").GetInt32());
        Assert.Equal("stop", band.GetProperty("action").GetString());
        Assert.Equal(0.012, band.GetProperty("probabilityOfImprovement").GetDouble());
        Assert.True(band.GetProperty("low").GetDouble() < band.GetProperty("median").GetDouble());
        Assert.True(band.GetProperty("median").GetDouble() < band.GetProperty("high").GetDouble());
        Assert.Equal("continue", curves[_seed.Running.Id].GetProperty("prediction").GetProperty("action").GetString());
    }

    [Fact]
    public async Task Summary_SeededExperiment_CountsEpochsSavedByStoppedTrials()
    {
        using JsonDocument json = await GetJsonAsync($"/api/experiments/{_seed.Experiment.Id}/summary");

        JsonElement root = json.RootElement;
        long spent = _seed.Trials.Values.Sum(t => (long)t.LastEpoch);
        long saved = (DashboardSeed.MaxEpochs - _seed.Stopped.LastEpoch) + (DashboardSeed.MaxEpochs - _seed.StoppedEarly.LastEpoch);
        Assert.Equal(spent, root.GetProperty("epochsSpent").GetInt64());
        Assert.Equal(saved, root.GetProperty("epochsSaved").GetInt64());
        Assert.Equal(Math.Round(100.0 * saved / (spent + saved), 2), root.GetProperty("epochsSavedPercent").GetDouble());
        JsonElement trials = root.GetProperty("trials");
        Assert.Equal(7, trials.GetProperty("total").GetInt32());
        Assert.Equal(2, trials.GetProperty("stopped").GetInt32());
        Assert.Equal(1, trials.GetProperty("running").GetInt32());
        Assert.Equal(_seed.Completed.Id, root.GetProperty("bestTrialId").GetInt64());
        Assert.Equal(_seed.Completed.BestValue, root.GetProperty("bestValue").GetDouble());

        JsonElement[] best = root.GetProperty("bestSoFar").EnumerateArray().ToArray();
        Assert.Equal(spent, best[^1].GetProperty("epochsSpent").GetInt64());
        Assert.Equal(_seed.Completed.BestValue, best[^1].GetProperty("value").GetDouble());
        for (int i = 1; i < best.Length; i++)
        {
            Assert.True(best[i].GetProperty("epochsSpent").GetInt64() >= best[i - 1].GetProperty("epochsSpent").GetInt64());
            Assert.True(best[i].GetProperty("value").GetDouble() >= best[i - 1].GetProperty("value").GetDouble());
        }
    }

    [Fact]
    public async Task Summary_MinimizedExperiment_BestSoFarOnlyDecreases()
    {
        using JsonDocument json = await GetJsonAsync($"/api/experiments/{_seed.LossExperiment.Id}/summary");

        double[] values = json.RootElement.GetProperty("bestSoFar").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()).ToArray();
        Assert.True(values.Length > 1);
        Assert.Equal(values.OrderByDescending(v => v), values);
        Assert.Equal(0, json.RootElement.GetProperty("epochsSaved").GetInt64());
    }

    [Fact]
    public async Task Decisions_Paged_ReturnsTheRequestedSliceByEpoch()
    {
        using JsonDocument first = await GetJsonAsync($"/api/trials/{_seed.Stopped.Id}/decisions?pageSize=3");
        using JsonDocument second = await GetJsonAsync($"/api/trials/{_seed.Stopped.Id}/decisions?pageSize=3&page=2");

        Assert.Equal(4, first.RootElement.GetProperty("totalCount").GetInt64());
        Assert.Equal(2, first.RootElement.GetProperty("totalPages").GetInt32());
        Assert.Equal([2, 3, 4], first.RootElement.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("epoch").GetInt32()));
        JsonElement last = Assert.Single(second.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(5, last.GetProperty("epoch").GetInt32());
        Assert.Equal("stop", last.GetProperty("action").GetString());
        Assert.Equal("lcpfn", last.GetProperty("policy").GetString());
        Assert.Equal(0.012, last.GetProperty("probabilityOfImprovement").GetDouble());
    }

    [Fact]
    public async Task TrialCurve_RunningTrial_HasForecastFromItsLastEpoch()
    {
        using JsonDocument json = await GetJsonAsync($"/api/trials/{_seed.Running.Id}/curve");

        Assert.Equal(_seed.Running.LastEpoch, json.RootElement.GetProperty("points").GetArrayLength());
        Assert.Equal(_seed.Running.LastEpoch, json.RootElement.GetProperty("prediction").GetProperty("fromEpoch").GetInt32());
    }

    [Theory]
    [InlineData("POST", "/api/experiments")]
    [InlineData("PUT", "/api/experiments/2")]
    [InlineData("DELETE", "/api/trials/3")]
    [InlineData("PATCH", "/api/experiments/2/trials")]
    [InlineData("POST", "/experiments/2")]
    [InlineData("POST", "/")]
    [InlineData("POST", "/api/not-a-route")]
    public async Task NonGet_AnyDashboardRoute_Returns405AndChangesNothing(string method, string url)
    {
        using JsonDocument before = await GetJsonAsync($"/api/experiments/{_seed.Experiment.Id}/summary");
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent("{}") };

        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
        using JsonDocument after = await GetJsonAsync($"/api/experiments/{_seed.Experiment.Id}/summary");
        Assert.Equal(before.RootElement.GetRawText(), after.RootElement.GetRawText());
    }

    [Fact]
    public async Task Head_ApiRoute_Returns200WithoutBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "/api/experiments");

        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_Api_IsNeverCached()
    {
        using HttpResponseMessage response = await _client.GetAsync("/api/experiments");

        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    private async Task<JsonDocument> GetJsonAsync(string url)
    {
        using HttpResponseMessage response = await _client.GetAsync(url);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
