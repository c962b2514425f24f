using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Tests.TestDoubles;
using Hpo.Scheduler.Tuning;
using Hpo.Workloads.LcBench;
using Hpo.Workloads.Tests.TestDoubles;

namespace Hpo.Workloads.Tests.Experiments;

/// <summary>The in-process run with a pausing policy: pause with a checkpoint, free the slot, resume where the slot policy says.</summary>
public sealed class PausingExperimentTests
{
    private static ExperimentSpec Spec(string searchSpaceJson) =>
        new("pausing", "val_accuracy", MetricDirection.Maximize, 0, 1, LcBenchWorkload.MaxEpochs, searchSpaceJson, """{"type":"random"}""", """{"type":"none"}""");

    [Fact]
    public async Task RunAsync_PausingPolicyOnLcBench_EveryCurveEqualsTheUninterruptedOneOrEndsAtThePause()
    {
        using var workload = new LcBenchWorkload(RepoPaths.LcBench, "3945");
        var store = new InMemoryExperimentStore();
        const double stopBelow = 0.80;

        var summary = await new ExperimentRunner(store).RunAsync(
            Spec(workload.SearchSpace.ToJson()),
            workload,
            new PauseAtEpochPolicy(pauseAt: 4, stopBelow),
            new RandomSearchTuner(workload.SearchSpace, 3),
            new ExperimentOptions { MaxTrials = 6, Concurrency = 2 });

        var trials = (await store.ListTrialsAsync(summary.ExperimentId)).Items;
        Assert.Equal(6, trials.Count);
        Assert.Empty((await store.ListTrialsAsync(summary.ExperimentId, status: TrialStatus.Paused)).Items);
        var curves = await store.GetCurvesAsync(trials.Select(t => t.Id).ToArray());
        var expected = workload.PredictCurves(trials.Select(t => TrialParameters.FromJson(t.ParametersJson)).ToArray());
        int resumed = 0;
        for (int i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            var values = curves[t.Id].Select(o => o.Value).ToArray();
            Assert.Equal(Enumerable.Range(1, values.Length), curves[t.Id].Select(o => o.Epoch));
            var decisions = await store.GetDecisionsAsync(t.Id);
            Assert.Equal(DecisionAction.Pause, decisions.Single(d => d.Epoch == 4).Action);
            if (expected[i][3] < stopBelow)
            {
                Assert.Equal(TrialStatus.Stopped, t.Status);
                Assert.Equal(expected[i][..4], values);
                Assert.Equal(1, t.Attempt);
            }
            else
            {
                Assert.Equal(TrialStatus.Completed, t.Status);
                Assert.Equal(expected[i], values);
                Assert.Equal(2, t.Attempt);
                Assert.Equal(4, (await store.GetCheckpointAsync(t.Id))!.Epoch);
                resumed++;
            }
        }

        Assert.InRange(resumed, 1, 6);
        Assert.Equal(curves.Values.SelectMany(c => c).Max(o => o.Value), summary.BestValue);
    }

    [Fact]
    public async Task RunAsync_PausingPolicyWithWorkloadThatCannotResume_ValidationNamingBothNothingStored()
    {
        var store = new InMemoryExperimentStore();
        var space = """{"lr":{"type":"float","low":0.001,"high":0.1,"log":true}}""";

        var error = await Assert.ThrowsAsync<HpoValidationException>(() => new ExperimentRunner(store).RunAsync(
            Spec(space) with { MaxEpochs = 5 },
            new SyntheticWorkload(),
            new PauseAtEpochPolicy(pauseAt: 2),
            new RandomSearchTuner(SearchSpace.FromJson(space), 1),
            new ExperimentOptions { MaxTrials = 2 }));

        Assert.Contains("'synthetic'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'test-pause'", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.FindExperimentAsync("pausing"));
    }
}
