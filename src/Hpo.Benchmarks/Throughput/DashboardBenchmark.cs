using Hpo.LcPfn.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Schema;
using Hpo.Workers.Dashboard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Benchmarks.Throughput;

/// <summary>
/// Measures the dashboard at scale: writes an experiment of many trials through the store's API (most stopped
/// early at a random epoch, some completed, a few running on the first page), serves it with the real dashboard
/// app on a loopback port, and times what the experiment page's script asks for: the page load, a live poll after
/// every running trial recorded an epoch, a quiet poll, and the forecast endpoint. It leaves the experiment.
/// </summary>
internal sealed class DashboardBenchmark(DashboardBenchSettings settings, TextWriter progress)
{
    public async Task<DashboardBenchResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var services = new ServiceCollection()
            .AddHpoStorage(o =>
            {
                o.Connection = settings.Connection;
                o.ApplicationName = "hpo bench";
                o.MigrateOnStart = settings.Migrate;
            })
            .BuildServiceProvider();
        var database = services.GetRequiredService<HpoDatabase>();
        await database.EnsureReadyAsync(cancellationToken);
        var store = services.GetRequiredService<IExperimentStore>();
        Log($"seeding {settings.Trials} trials of up to {settings.Epochs} epochs ({settings.Running} running) at {database.Connection.Redacted}");

        var seedClock = Stopwatch.StartNew();
        var (experiment, running, observations) = await SeedAsync(store, cancellationToken);
        double seedSeconds = seedClock.Elapsed.TotalSeconds;
        Log(string.Create(CultureInfo.InvariantCulture, $"seeded {observations} observations in {seedSeconds:F1} s; starting the dashboard"));

        // The app's own start/stop lines would go to stdout, where --json prints the figures.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        await using WebApplication app = DashboardApplication.Create(
            ["http://127.0.0.1:0"],
            o => o.ModelPath = settings.ModelPath,
            s =>
            {
                DashboardStorage.Register(s, settings.Connection);
                s.AddHpoLcPfn();
            });
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromMinutes(2) };
        string id = experiment.Id.ToString(CultureInfo.InvariantCulture);
        string page = $"page=1&pageSize={settings.PageSize}";

        // Warm-up: the first request of each kind pays for JIT and connection setup. The first page load after it still
        // reads the whole experiment into the dashboard's view (once per process); every later load and poll reads only
        // what changed.
        await GetAsync(http, $"experiments/{id}", cancellationToken);
        await GetAsync(http, "api/model", cancellationToken);
        await GetAsync(http, $"api/experiments/{id}", cancellationToken);
        await GetAsync(http, $"api/experiments/{id}/trials?{page}", cancellationToken);
        Log("first page load");
        var firstLoad = new List<(double Ms, long Bytes)> { await PageLoadAsync(http, id, page, cancellationToken) };
        var (_, _, warm) = await GetAsync(http, $"api/experiments/{id}/curves?{page}", cancellationToken);
        string? cursor = Cursor(warm);

        Log($"page load x {settings.Polls}");
        var pageLoads = new List<(double Ms, long Bytes)>();
        for (int i = 0; i < settings.Polls; i++)
        {
            pageLoads.Add(await PageLoadAsync(http, id, page, cancellationToken));
        }

        Log($"live polls x {settings.Polls} ({running.Count} running trials record an epoch before each)");
        var live = new List<(double Ms, long Bytes)>();
        var endpoints = new Dictionary<string, List<(double Ms, long Bytes)>>
        {
            ["experiment"] = [], ["summary"] = [], ["curvesSinceCursor"] = [], ["trials"] = [],
        };
        for (int i = 0; i < settings.Polls; i++)
        {
            await RecordRunningEpochsAsync(store, running, cancellationToken);
            var (ms, bytes, body, parts) = await PollAsync(http, id, page, cursor, cancellationToken);
            cursor = Cursor(body) ?? cursor;
            live.Add((ms, bytes));
            foreach (var (name, part) in parts)
            {
                endpoints[name].Add(part);
            }
        }

        // The page asks for the summary on every poll; without it, for comparison with the page before the summary
        // was read from the change feed (which skipped it on most polls of a large experiment).
        Log($"live polls without the summary x {settings.Polls}");
        var liveLean = new List<(double Ms, long Bytes)>();
        for (int i = 0; i < settings.Polls; i++)
        {
            await RecordRunningEpochsAsync(store, running, cancellationToken);
            var (ms, bytes, body, _) = await PollAsync(http, id, page, cursor, cancellationToken, withSummary: false);
            cursor = Cursor(body) ?? cursor;
            liveLean.Add((ms, bytes));
        }

        // Quiet means nothing recorded since the last poll.
        Log($"quiet polls x {settings.Polls}");
        var quiet = new List<(double Ms, long Bytes)>();
        for (int i = 0; i < settings.Polls; i++)
        {
            var (ms, bytes, body, _) = await PollAsync(http, id, page, cursor, cancellationToken);
            cursor = Cursor(body) ?? cursor;
            quiet.Add((ms, bytes));
        }

        DashboardBenchResult.ForecastFigures? forecast = null;
        if (settings.ModelPath is not null)
        {
            var trials = await store.ListTrialsAsync(experiment.Id, 1, settings.PageSize, TrialStatus.Stopped, cancellationToken);
            string trial = trials.Items[0].Id.ToString(CultureInfo.InvariantCulture);
            var (cold, bytes, body) = await GetAsync(http, $"api/trials/{trial}/forecast", cancellationToken);
            var cached = new List<double>();
            for (int i = 0; i < settings.Polls; i++)
            {
                cached.Add((await GetAsync(http, $"api/trials/{trial}/forecast", cancellationToken)).Ms);
            }

            using var json = JsonDocument.Parse(body);
            forecast = new DashboardBenchResult.ForecastFigures(json.RootElement.GetProperty("model").GetString()!, Round(cold), Round(Median(cached)), bytes);
        }

        Log("every curve in full (pages of 500), as the page used to read them on every poll");
        var allClock = Stopwatch.StartNew();
        long allBytes = 0;
        int pages = 0;
        for (int p = 1; ; p++)
        {
            var (_, bytes, body) = await GetAsync(http, $"api/experiments/{id}/curves?page={p}&pageSize=500", cancellationToken);
            allBytes += bytes;
            pages++;
            using var json = JsonDocument.Parse(body);
            if (p >= json.RootElement.GetProperty("totalPages").GetInt32())
            {
                break;
            }
        }

        var all = new List<(double Ms, long Bytes)> { (allClock.Elapsed.TotalMilliseconds, allBytes) };
        await app.StopAsync(cancellationToken);
        await store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Completed, cancellationToken);
        return new DashboardBenchResult(
            $"{database.Connection.Provider} {database.Connection.Redacted}",
            settings.Trials,
            settings.Epochs,
            running.Count,
            settings.PageSize,
            observations,
            Math.Round(seedSeconds, 1),
            Figures(6, firstLoad),
            Figures(6, pageLoads),
            Figures(4, live),
            Figures(3, liveLean),
            Figures(4, quiet),
            endpoints.ToDictionary(kv => kv.Key, kv => Figures(1, kv.Value)),
            forecast,
            Figures(pages, all));
    }

    /// <summary>Records the next epoch of every running trial (stopping short of the final one, so they keep running).</summary>
    private async Task RecordRunningEpochsAsync(IExperimentStore store, List<(TrialLease Lease, int[] Epochs)> running, CancellationToken cancellationToken)
    {
        foreach (var (lease, epochs) in running)
        {
            int epoch = ++epochs[0];
            if (epoch < settings.Epochs)
            {
                await store.RecordObservationAsync(lease, epoch, Curve(lease.TrialId, epoch), cancellationToken);
            }
        }
    }

    /// <summary>A learning curve that rises to a trial's own plateau (deterministic per trial).</summary>
    private static double Curve(long trialId, int epoch)
    {
        var random = new Random(unchecked((int)trialId));
        double plateau = 0.3 + (0.65 * random.NextDouble());
        double speed = 1 + (5 * random.NextDouble());
        double noise = 0.01 * Math.Sin((epoch * 1.7) + trialId);
        return Math.Round(Math.Clamp(plateau - ((plateau - 0.1) * Math.Exp(-epoch / speed)) + noise, 0, 1), 4);
    }

    private static string? Cursor(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("cursor").GetString();
    }

    private static async Task<(double Ms, long Bytes, string Body)> GetAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using HttpResponseMessage response = await http.GetAsync(new Uri(url, UriKind.Relative), cancellationToken);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        double ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /{url} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        return (ms, body.LongLength, System.Text.Encoding.UTF8.GetString(body));
    }

    /// <summary>Opening the experiment page: its HTML, then the five API calls its script makes, in parallel.</summary>
    private static async Task<(double Ms, long Bytes)> PageLoadAsync(HttpClient http, string id, string page, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (_, html, _) = await GetAsync(http, $"experiments/{id}", cancellationToken);
        var calls = await Task.WhenAll(
            GetAsync(http, "api/model", cancellationToken),
            GetAsync(http, $"api/experiments/{id}", cancellationToken),
            GetAsync(http, $"api/experiments/{id}/summary", cancellationToken),
            GetAsync(http, $"api/experiments/{id}/curves?{page}", cancellationToken),
            GetAsync(http, $"api/experiments/{id}/trials?{page}", cancellationToken));
        return (clock.Elapsed.TotalMilliseconds, html + calls.Sum(c => c.Bytes));
    }

    /// <summary>One refresh of the experiment page, as its script makes it: four API calls in parallel.</summary>
    private static async Task<(double Ms, long Bytes, string CurvesBody, List<(string Name, (double Ms, long Bytes) Part)> Parts)> PollAsync(
        HttpClient http, string id, string page, string? cursor, CancellationToken cancellationToken, bool withSummary = true)
    {
        string since = cursor is null ? string.Empty : $"&since={Uri.EscapeDataString(cursor)}";
        var clock = Stopwatch.StartNew();
        var experiment = GetAsync(http, $"api/experiments/{id}", cancellationToken);
        var summary = withSummary ? GetAsync(http, $"api/experiments/{id}/summary", cancellationToken) : Task.FromResult((0.0, 0L, string.Empty));
        var curves = GetAsync(http, $"api/experiments/{id}/curves?{page}{since}", cancellationToken);
        var trials = GetAsync(http, $"api/experiments/{id}/trials?{page}", cancellationToken);
        await Task.WhenAll(experiment, summary, curves, trials);
        double ms = clock.Elapsed.TotalMilliseconds;
        var parts = new List<(string, (double, long))>
        {
            ("experiment", (experiment.Result.Ms, experiment.Result.Bytes)),
            ("summary", (summary.Result.Item1, summary.Result.Item2)),
            ("curvesSinceCursor", (curves.Result.Ms, curves.Result.Bytes)),
            ("trials", (trials.Result.Ms, trials.Result.Bytes)),
        };
        return (ms, parts.Sum(p => p.Item2.Item2), curves.Result.Body, parts);
    }

    private static DashboardBenchResult.Figures Figures(int requests, List<(double Ms, long Bytes)> samples) => new(
        requests,
        samples.Count,
        Round(Median(samples.Select(s => s.Ms).ToList())),
        Round(samples.Max(s => s.Ms)),
        (long)Median(samples.Select(s => (double)s.Bytes).ToList()),
        samples.Max(s => s.Bytes));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double Round(double ms) => Math.Round(ms, 2);

    private async Task<(ExperimentRecord Experiment, List<(TrialLease Lease, int[] Epochs)> Running, long Observations)> SeedAsync(IExperimentStore store, CancellationToken cancellationToken)
    {
        var experiment = await store.CreateExperimentAsync(
            new ExperimentSpec(
                $"bench-dashboard-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}",
                "val_accuracy",
                MetricDirection.Maximize,
                0,
                1,
                settings.Epochs,
                """{"lr": {"type": "float", "low": 0.0001, "high": 1, "log": true}}""",
                """{"kind": "random"}""",
                """{"kind": "lcpfn"}"""),
            cancellationToken);
        await store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Running, cancellationToken);
        var random = new Random(0);
        var running = new List<(TrialLease, int[])>();
        long observations = 0;
        int stepReport = Math.Max(1, settings.Trials / 10);
        for (int i = 0; i < settings.Trials; i++)
        {
            string parameters = string.Create(CultureInfo.InvariantCulture, $$"""{"lr": {{Math.Round(Math.Pow(10, -4 + (4 * random.NextDouble())), 6)}}}""");
            TrialRecord trial = await store.CreateTrialAsync(experiment.Id, parameters, cancellationToken);
            TrialLease lease = await store.ClaimTrialAsync(trial.Id, $"bench-worker-{i % 8}", TimeSpan.FromHours(1), cancellationToken);
            bool isRunning = i < settings.Running;
            bool completes = !isRunning && random.NextDouble() < 0.3;
            int last = isRunning
                ? random.Next(1, 3)
                : completes ? settings.Epochs : random.Next(1, settings.Epochs);
            await store.RecordObservationsAsync(lease, Enumerable.Range(1, last).Select(e => (e, Curve(trial.Id, e))).ToList(), cancellationToken);
            observations += last;
            if (!completes)
            {
                await store.RecordDecisionAsync(
                    lease,
                    new DecisionRecord(trial.Id, last, isRunning ? DecisionAction.Continue : DecisionAction.Stop, "lcpfn", isRunning ? 0.4 : 0.01, null, null, null, null, DateTimeOffset.UtcNow),
                    cancellationToken);
            }

            if (isRunning)
            {
                running.Add((lease, [last]));
            }
            else
            {
                await store.FinishTrialAsync(lease, completes ? TrialStatus.Completed : TrialStatus.Stopped, completes ? null : $"LC-PFN: stopped at epoch {last}", cancellationToken);
            }

            if ((i + 1) % stepReport == 0)
            {
                Log($"  {i + 1} trials");
            }
        }

        return (experiment, running, observations);
    }

    private void Log(string message) => progress.WriteLine($"bench dashboard: {message}");
}
