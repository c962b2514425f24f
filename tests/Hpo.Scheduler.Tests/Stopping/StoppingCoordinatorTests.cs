using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Tests.TestDoubles;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class StoppingCoordinatorTests
{
    private static readonly MetricSettings Metric = new(MetricDirection.Maximize, 20, 0, 1);

    [Fact]
    public async Task DecideAsync_ReportsArrivingDuringADecision_ShareTheNextPolicyCall()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int calls = 0;
        var predictor = new ExtrapolatingCurvePredictor
        {
            OnPredict = () =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    entered.Set();
                    release.Wait(TimeSpan.FromSeconds(10));
                }
            },
        };
        using var coordinator = new StoppingCoordinator(new LcPfnStoppingPolicy(predictor), Metric);
        for (long id = 1; id <= 4; id++)
        {
            coordinator.Load(id, (int)id, [0.1]);
        }

        // Trial 1's decision holds the model; trials 2–4 report meanwhile and must wait for one shared call.
        var first = Task.Run(() => coordinator.DecideAsync(1, 1, 2, 0.2));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
        var others = new[] { coordinator.DecideAsync(2, 2, 2, 0.3), coordinator.DecideAsync(3, 3, 2, 0.4), coordinator.DecideAsync(4, 4, 2, 0.5) };
        release.Set();
        await first;
        await Task.WhenAll(others);

        Assert.Equal([1, 3], predictor.BatchSizes);
        Assert.Equal(2, coordinator.BatchCount);
        Assert.Equal(4, coordinator.DecisionCount);
    }

    [Fact]
    public async Task DecideAsync_ContextHoldsEveryTrialsCurveAndBest()
    {
        var seen = new List<StoppingContext>();
        using var coordinator = new StoppingCoordinator(new RecordingPolicy(seen), Metric);
        coordinator.Load(1, 1, [0.2, 0.6]);

        await coordinator.DecideAsync(2, 2, 1, 0.3);
        await coordinator.DecideAsync(2, 2, 2, 0.7);

        Assert.Equal(0.7, seen[^1].BestSoFar);
        Assert.Equal([0.2, 0.6], seen[^1].Curves.Single(c => c.TrialId == 1).Values);
        Assert.Equal([0.3, 0.7], seen[^1].Curves.Single(c => c.TrialId == 2).Values);
        Assert.Equal(0.7, coordinator.BestSoFar);
    }

    [Fact]
    public async Task DecideAsync_RecordedEpochSameValue_ReDecidedWithoutGrowingTheCurve()
    {
        var seen = new List<StoppingContext>();
        using var coordinator = new StoppingCoordinator(new RecordingPolicy(seen), Metric);
        coordinator.Load(1, 1, [0.2, 0.4, 0.5]);

        await coordinator.DecideAsync(1, 1, 3, 0.5);

        Assert.Equal(3, seen[^1].Curves.Single().Epoch);
    }

    [Fact]
    public async Task DecideAsync_SkippedOrConflictingEpoch_Throws()
    {
        using var coordinator = new StoppingCoordinator(new RecordingPolicy([]), Metric);
        coordinator.Load(1, 1, [0.2, 0.4]);

        await Assert.ThrowsAsync<ArgumentException>(() => coordinator.DecideAsync(1, 1, 4, 0.5));
        await Assert.ThrowsAsync<ArgumentException>(() => coordinator.DecideAsync(1, 1, 2, 0.45));
    }

    /// <summary>Continues everything and keeps each context it was shown.</summary>
    private sealed class RecordingPolicy(List<StoppingContext> seen) : IStoppingPolicy
    {
        public string Name => "recording";

        public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
        {
            seen.Add(context);
            return reports.Select(r => StoppingDecision.Continue($"epoch {r.Epoch} seen")).ToArray();
        }
    }
}
