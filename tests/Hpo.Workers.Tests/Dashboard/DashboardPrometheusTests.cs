using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Hpo.Scheduler.Persistence;
using Hpo.Workers.Dashboard;
using Hpo.Workers.Dashboard.Metrics;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The dashboard's Prometheus endpoint (<c>hpo dashboard --prometheus</c>): the store's totals and the dashboard's HTTP metrics.</summary>
public sealed partial class DashboardPrometheusTests
{
    private const string ApiKey = "prometheus-test-key-0123456789";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Metrics_SeededStore_CountersMatchTheStoreAndFollowNewEpochs()
    {
        DashboardSeed seed = await DashboardSeed.CreateAsync();
        await using DashboardTestHost host = await DashboardTestHost.StartInProcessAsync(
            seed.Store, IPAddress.Loopback, services: s => s.AddHpoDashboardPrometheus(o => o.RefreshInterval = TimeSpan.FromSeconds(1)));
        using HttpClient client = host.CreateClient();
        using HttpResponseMessage page = await client.GetAsync("/api/experiments");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        Expected expected = await CountAsync(seed.Store);
        Dictionary<string, double> scraped = await ScrapeUntilAsync(client, s => s.GetValueOrDefault("hpo_store_epochs_reported_total") == expected.Epochs);

        foreach (TrialStatus status in Enum.GetValues<TrialStatus>())
        {
            Assert.Equal(expected.Trials.GetValueOrDefault(status), scraped[$"hpo_store_trials{{status=\"{status}\"}}"]);
        }

        foreach (DecisionAction action in Enum.GetValues<DecisionAction>())
        {
            Assert.Equal(expected.Decisions.GetValueOrDefault(action), scraped[$"hpo_store_decisions_total{{action=\"{action}\"}}"]);
        }

        Assert.Equal(expected.Saved, scraped["hpo_store_epochs_saved_total"]);
        // The seed holds trials in five statuses and both decision outcomes, so the comparison above is not of zeros.
        Assert.True(expected.Trials.Count(t => t.Value > 0) >= 5 && expected.Decisions[DecisionAction.Stop] > 0 && expected.Saved > 0);
        // The dashboard's own HTTP meter saw the API request.
        Assert.Contains(scraped.Keys, k => k.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && k.Contains("http_route=\"/api/experiments\"", StringComparison.Ordinal));

        await seed.AdvanceRunningTrialAsync();
        Dictionary<string, double> later = await ScrapeUntilAsync(client, s => s.GetValueOrDefault("hpo_store_epochs_reported_total") == expected.Epochs + 1);
        Assert.Equal(expected.Decisions[DecisionAction.Continue] + 1, later["hpo_store_decisions_total{action=\"Continue\"}"]);
    }

    [Fact]
    public async Task Metrics_RemoteClient_NeedsTheDashboardCredential()
    {
        DashboardSeed seed = await DashboardSeed.CreateAsync();
        await using DashboardTestHost host = await DashboardTestHost.StartInProcessAsync(
            seed.Store, DashboardTestHost.RemoteAddress, o => o.ApiKey = ApiKey, services: s => s.AddHpoDashboardPrometheus());
        using HttpClient anonymous = host.CreateClient();
        using HttpClient keyed = host.CreateClient();
        keyed.DefaultRequestHeaders.Add(HpoDashboardOptions.ApiKeyHeaderName, ApiKey);

        using HttpResponseMessage without = await anonymous.GetAsync("/metrics");
        using HttpResponseMessage with = await keyed.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }

    /// <summary>What the store holds, counted through its per-experiment reads (not the totals query under test).</summary>
    private static async Task<Expected> CountAsync(IExperimentStore store)
    {
        var trials = new Dictionary<TrialStatus, long>();
        var decisions = new Dictionary<DecisionAction, long>();
        long epochs = 0, saved = 0;
        foreach (ExperimentRecord experiment in (await store.ListExperimentsAsync(1, 1000)).Items)
        {
            IReadOnlyList<TrialRecord> all = (await store.ListTrialsAsync(experiment.Id, 1, 1000)).Items;
            long[] ids = [.. all.Select(t => t.Id)];
            foreach (TrialRecord trial in all)
            {
                trials[trial.Status] = trials.GetValueOrDefault(trial.Status) + 1;
                saved += trial.Status == TrialStatus.Stopped ? experiment.Spec.MaxEpochs - trial.LastEpoch : 0;
            }

            epochs += (await store.GetCurvesAsync(ids)).Values.Sum(c => c.Count);
            foreach (DecisionRecord decision in (await store.GetDecisionsAsync(ids)).Values.SelectMany(d => d))
            {
                decisions[decision.Action] = decisions.GetValueOrDefault(decision.Action) + 1;
            }
        }

        return new Expected(trials, epochs, decisions, saved);
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (the poller's read lands within a refresh interval).</summary>
    private static async Task<Dictionary<string, double>> ScrapeUntilAsync(HttpClient client, Func<Dictionary<string, double>, bool> done)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using HttpResponseMessage response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Dictionary<string, double> samples = Parse(await response.Content.ReadAsStringAsync());
            if (done(samples))
            {
                return samples;
            }

            Assert.True(DateTime.UtcNow < deadline, "The scrape did not show the store's totals in time:\n" + string.Join("\n", samples.Keys.Where(k => k.StartsWith("hpo_", StringComparison.Ordinal))));
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Samples by name and labels, the exporter's scope labels (<c>otel_scope_*</c>) dropped, so that
    /// <c>hpo_store_trials{status="Stopped"}</c> names one sample.
    /// </summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            Match match = SampleLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            string[] labels = match.Groups["labels"].Success
                ? [.. LabelPair().Matches(match.Groups["labels"].Value).Select(m => m.Value).Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal))]
                : [];
            string key = labels.Length == 0 ? match.Groups["name"].Value : $"{match.Groups["name"].Value}{{{string.Join(",", labels)}}}";
            samples[key] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*""")]
    private static partial Regex LabelPair();

    private sealed record Expected(Dictionary<TrialStatus, long> Trials, long Epochs, Dictionary<DecisionAction, long> Decisions, long Saved);
}
