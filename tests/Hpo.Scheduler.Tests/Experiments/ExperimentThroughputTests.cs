using System.Diagnostics;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Stopping.None;
using Hpo.Scheduler.Tests.TestDoubles;
using Hpo.Scheduler.Tuning;
using Xunit.Abstractions;

namespace Hpo.Scheduler.Tests.Experiments;

/// <summary>Measures the loop on the in-memory store (figures go to the test output); asserts what it counted and that decisions were batched.</summary>
public sealed class ExperimentThroughputTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("none", 1)]
    [InlineData("none", 8)]
    [InlineData("lcpfn", 8)]
    public async Task RunAsync_200TrialsOf52Epochs_ReportsDecisionsPerSecond(string policyName, int concurrency)
    {
        var store = new InMemoryExperimentStore();
        var workload = new SyntheticWorkload();
        var spec = new ExperimentSpec("throughput", "accuracy", MetricDirection.Maximize, 0, 1, 52, SyntheticWorkload.SpaceJson, """{"type":"random"}""", $$"""{"type":"{{policyName}}"}""");
        var predictor = new ExtrapolatingCurvePredictor();
        IStoppingPolicy policy = policyName == "lcpfn" ? new LcPfnStoppingPolicy(predictor) : new NoStoppingPolicy();
        var tuner = new RandomSearchTuner(SearchSpace.FromJson(SyntheticWorkload.SpaceJson), 1);

        var watch = Stopwatch.StartNew();
        var summary = await new ExperimentRunner(store).RunAsync(spec, workload, policy, tuner, new ExperimentOptions { MaxTrials = 200, Concurrency = concurrency });
        watch.Stop();

        long decisions = 0;
        foreach (var t in (await store.ListTrialsAsync(summary.ExperimentId, 1, 1000)).Items)
        {
            decisions += (await store.GetDecisionsAsync(t.Id)).Count;
        }

        output.WriteLine($"{policyName}, concurrency {concurrency}: {decisions} decisions in {watch.Elapsed.TotalMilliseconds:F0} ms = {decisions / watch.Elapsed.TotalSeconds:F0} decisions/s; predictor calls {predictor.BatchSizes.Count} for {predictor.BatchSizes.Sum()} queries");
        Assert.Equal(summary.EpochsUsed, decisions);
        Assert.Equal(200, summary.Trials);
        if (policyName == "lcpfn")
        {
            // Eight trials whose epochs take no time report together: the model must see them in shared calls.
            Assert.True(predictor.BatchSizes.Max() > 1, "no predictor call carried more than one trial");
        }
    }
}
