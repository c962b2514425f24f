using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Tests.TestDoubles;
using Xunit.Abstractions;

namespace Hpo.Scheduler.Tests.Experiments;

/// <summary>A fleet worker's per-experiment decider: what one decision costs as the experiment grows.</summary>
[Collection(AllocationCollection.Name)]
public sealed class ExperimentDeciderTests(ITestOutputHelper output)
{
    private const int Decisions = 200;

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(null, null)]
    public async Task DecideAsync_LcPfnWithTwentyThousandFinishedTrials_AllocatesPerDecisionAsWithTen(double? lower, double? upper)
    {
        var small = await BytesPerDecisionAsync(finishedTrials: 10, lower, upper);
        var large = await BytesPerDecisionAsync(finishedTrials: 20_000, lower, upper);
        output.WriteLine($"bounds {lower?.ToString() ?? "none"}..{upper?.ToString() ?? "none"}: {small:N0} bytes per decision with 10 finished trials, {large:N0} with 20,000");

        // A list of every trial's curve would add 8 bytes per trial (160 kB here) to each decision.
        Assert.True(large - small < 16 * 1024, $"A decision allocated {large - small:N0} bytes more with 20,000 finished trials than with 10.");
    }

    [Fact]
    public async Task DecideAsync_MedianPolicy_ComparesAgainstEveryStoredTrial()
    {
        var store = new InMemoryExperimentStore();
        var (experiment, _) = await SeedAsync(store, "median", """{"type":"median","minEpochs":2,"minTrials":3}""", finishedTrials: 5, 0, 1);
        using var decider = new ExperimentDecider(experiment.Id, MetricSettings.From(experiment.Spec), new StoppingPolicyFactory().Create(experiment.Spec.PolicyJson));

        // The stored trials reach 0.5 at every epoch: a trial below them stops, one above goes on.
        var (low, _) = await decider.DecideAsync(store, new TrialCurve(-1, 100, [0.1, 0.2, 0.3]), CancellationToken.None);
        var (high, _) = await decider.DecideAsync(store, new TrialCurve(-2, 101, [0.6, 0.7, 0.8]), CancellationToken.None);

        Assert.Equal(DecisionAction.Stop, low.Action);
        Assert.Equal(DecisionAction.Continue, high.Action);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DecideAsync_BatchBelowMinEpochs_AnsweredWithoutAReadUnlessEveryDecisionMustRead(bool readForEveryDecision)
    {
        var store = new InMemoryExperimentStore();
        var (experiment, epochs) = await SeedAsync(store, "lcpfn", """{"type":"lcpfn","delta":0.05,"minEpochs":3}""", finishedTrials: 4, 0, 1);
        var policy = new StoppingPolicyFactory(new ExtrapolatingCurvePredictor()).Create(experiment.Spec.PolicyJson);
        using var decider = new ExperimentDecider(experiment.Id, MetricSettings.From(experiment.Spec), policy, readForEveryDecision);

        // Epochs 1 and 2 are below minEpochs 3: Continue whatever was stored, so nothing need be read for them.
        var (first, firstTotal) = await decider.DecideAsync(store, new TrialCurve(-1, 5, [0.1]), CancellationToken.None);
        var (second, _) = await decider.DecideAsync(store, new TrialCurve(-1, 5, [0.1, 0.2]), CancellationToken.None);
        Assert.Equal((DecisionAction.Continue, DecisionAction.Continue), (first.Action, second.Action));
        Assert.Equal(readForEveryDecision ? 0 : 2, decider.UnreadBatches);

        // Read, the epochs trained include the stored trials' (what an epoch budget is checked against).
        Assert.Equal(readForEveryDecision ? (4 * epochs) + 1 : 1, firstTotal);

        // Epoch 3 may stop: that batch reads, and sees every stored trial.
        var (third, thirdTotal) = await decider.DecideAsync(store, new TrialCurve(-1, 5, [0.1, 0.2, 0.3]), CancellationToken.None);
        Assert.NotNull(third.ProbabilityOfImprovement);
        Assert.Equal((4 * epochs) + 3, thirdTotal);
        Assert.Equal(readForEveryDecision ? 0 : 2, decider.UnreadBatches);
        Assert.Equal(3, decider.Batches);
    }

    [Fact]
    public void Curves_ReadAfterTheDecisionEnded_ThrowsNamingTheMisuse()
    {
        int builds = 0;
        var curves = new DeferredCurveList(() =>
        {
            builds++;
            return [new TrialCurve(1, 1, [0.5])];
        });
        var context = new StoppingContext(new MetricSettings(MetricDirection.Maximize, 10, 0, 1), curves, 0.5, (0.5, 0.5));

        Assert.Equal(0.5, context.BestSoFar);
        Assert.Equal(0, builds);
        curves.Close();

        var ex = Assert.Throws<InvalidOperationException>(() => context.Curves.Count);
        Assert.Contains("after its decision ended", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, builds);
    }

    private static async Task<long> BytesPerDecisionAsync(int finishedTrials, double? lower, double? upper)
    {
        var store = new InMemoryExperimentStore();
        var (experiment, _) = await SeedAsync(store, "lcpfn", """{"type":"lcpfn","delta":0.05,"minEpochs":2}""", finishedTrials, lower, upper);
        var predictor = new ExtrapolatingCurvePredictor();
        using var decider = new ExperimentDecider(experiment.Id, MetricSettings.From(experiment.Spec), new StoppingPolicyFactory(predictor).Create(experiment.Spec.PolicyJson));

        // The first decision reads the experiment whole; every later one reads only what changed (nothing here).
        var report = new TrialCurve(-1, finishedTrials + 1, [0.40, 0.45, 0.48]);
        var (first, _) = await decider.DecideAsync(store, report, CancellationToken.None);
        Assert.NotNull(first.ProbabilityOfImprovement);

        // As many again before counting, so that the runtime's first-call work (tiered compilation) is done.
        for (int i = 0; i < Decisions; i++)
        {
            await decider.DecideAsync(store, report, CancellationToken.None);
        }

        // The count is process-wide, so other threads' work (the test runner's) can only add to it: the fewest bytes of
        // three rounds is the decision's own.
        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < Decisions; i++)
            {
                var (decision, _) = await decider.DecideAsync(store, report, CancellationToken.None);
                Assert.Equal(first.Action, decision.Action);
            }

            fewest = Math.Min(fewest, (GC.GetTotalAllocatedBytes(precise: true) - before) / Decisions);
        }

        return fewest;
    }

    private static async Task<(ExperimentRecord Experiment, int Epochs)> SeedAsync(InMemoryExperimentStore store, string name, string policyJson, int finishedTrials, double? lower, double? upper)
    {
        const int epochs = 3;
        var spec = new ExperimentSpec(name, "accuracy", MetricDirection.Maximize, lower, upper, 20, SyntheticWorkload.SpaceJson, """{"type":"random"}""", policyJson);
        var experiment = await store.CreateExperimentAsync(spec);
        for (int i = 0; i < finishedTrials; i++)
        {
            var trial = await store.CreateTrialAsync(experiment.Id, """{"quality":0.5,"plateau":10}""");
            var lease = await store.ClaimTrialAsync(trial.Id, "seed", TimeSpan.FromMinutes(1));
            await store.RecordObservationsAsync(lease, [.. Enumerable.Range(1, epochs).Select(e => (e, 0.5))]);
            await store.FinishTrialAsync(lease, TrialStatus.Stopped);
        }

        return (experiment, epochs);
    }
}
