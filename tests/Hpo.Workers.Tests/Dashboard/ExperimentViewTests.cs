using Hpo.Scheduler.Persistence;
using Hpo.Workers.Dashboard.Api;
using Hpo.Workers.Dashboard.Changes;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The dashboard's view of one experiment, fed by change-feed batches and decisions as a refresh reads them.</summary>
public sealed class ExperimentViewTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ApplyObservations_BatchInAnyOrderWithRepeats_BestSoFarInRecordingOrderCountedOnce()
    {
        var view = new ExperimentView(1, maximize: true);

        // The feed orders a batch by trial; the view orders it by recording time. Trial 2's 0.5 came first.
        view.ApplyObservations([Change(1, 1, 0.4, 2), Change(1, 2, 0.7, 3), Change(2, 1, 0.5, 1)], At);
        view.ApplyObservations([Change(1, 2, 0.7, 3), Change(2, 2, 0.6, 4)], At);

        Assert.Equal(4, view.EpochsSpent);
        Assert.Equal([(1L, 0.5, 2L), (3L, 0.7, 1L)], view.BestSoFar.Select(p => (p.EpochsSpent, p.Value, p.TrialId)));
        Assert.Equal(0.7, view.BestValue);
        Assert.Equal(1, view.BestTrial!.Id);
    }

    [Fact]
    public void Marks_PauseThenResumeThenStop_EachOnTheEpochsSpentAxis()
    {
        var view = new ExperimentView(1, maximize: true);
        view.ApplyObservations([Change(1, 1, 0.4, 1), Change(1, 2, 0.5, 2), Change(2, 1, 0.3, 3)], At);
        view.ApplyDecisions(new Dictionary<long, IReadOnlyList<DecisionRecord>> { [1] = [Decision(1, 2, DecisionAction.Pause)] });
        Assert.Equal(["pause"], view.Marks(maxEpochs: 4).Select(m => m.Action));

        view.ApplyObservations([Change(1, 3, 0.6, 4), Change(1, 4, 0.65, 5)], At);
        view.ApplyDecisions(new Dictionary<long, IReadOnlyList<DecisionRecord>> { [2] = [Decision(2, 1, DecisionAction.Stop)] });

        List<TrialEndResponse> marks = view.Marks(maxEpochs: 4);
        Assert.Equal(
            [("pause", 1L, 2, 2L), ("resume", 1L, 3, 4L), ("complete", 1L, 4, 5L), ("stop", 2L, 1, 3L)],
            marks.OrderBy(m => m.Action == "stop").ThenBy(m => m.Epoch).Select(m => (m.Action, m.TrialId!.Value, m.Epoch!.Value, m.EpochsSpent)));
    }

    [Fact]
    public void AwaitingDecisions_NewEpochWithoutDecision_AskedAboutUntilDecidedOrTheWindowPasses()
    {
        var view = new ExperimentView(1, maximize: true);
        view.ApplyObservations([Change(1, 1, 0.4, 1), Change(2, 1, 0.3, 2)], At);

        var (ids, after) = view.AwaitingDecisions(At, TimeSpan.FromMinutes(2), maxEpochs: 10);
        Assert.Equal([1L, 2L], ids.Order());
        // Decisions follow their epoch on the writer's clock: read from just before the oldest waiting epoch.
        Assert.True(after < At.AddSeconds(1));

        view.ApplyDecisions(new Dictionary<long, IReadOnlyList<DecisionRecord>> { [1] = [Decision(1, 1, DecisionAction.Continue)] });
        Assert.Equal([2L], view.AwaitingDecisions(At, TimeSpan.FromMinutes(2), 10).TrialIds);
        Assert.Empty(view.AwaitingDecisions(At.AddMinutes(3), TimeSpan.FromMinutes(2), 10).TrialIds);
    }

    private static ObservationChange Change(long trial, int epoch, double value, int second) =>
        new(trial, (int)trial, epoch, value, At.AddSeconds(second));

    private static DecisionRecord Decision(long trial, int epoch, DecisionAction action) =>
        new(trial, epoch, action, "lcpfn", 0.1, 0.6, 0.5, 0.7, null, At);
}
