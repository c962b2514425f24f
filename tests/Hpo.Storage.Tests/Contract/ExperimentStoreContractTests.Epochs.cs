using System.Collections.Concurrent;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>
/// The fleet's per-epoch write (<see cref="IExperimentStore.TryRecordEpochAsync"/>): value, decision and, with a final
/// status, the trial's end in one write, all or nothing; anything but a new epoch under a current lease writes nothing.
/// </summary>
public abstract partial class ExperimentStoreContractTests
{
    [StoreFact]
    public async Task TryRecordEpochAsync_NewEpoch_StoresValueDecisionAndAggregatesTogether()
    {
        var (experiment, trial, lease) = await RunningTrialAsync();
        var reportedAt = StoreHarness.Start.AddSeconds(3);

        Assert.True(await Store.TryRecordEpochAsync(lease, 1, 0.5, reportedAt, Decision(trial.Id, 1)));
        Assert.True(await Store.TryRecordEpochAsync(lease, 2, 0.4, reportedAt.AddSeconds(1), Decision(trial.Id, 2)));

        var curve = (await Store.GetCurvesAsync([trial.Id]))[trial.Id];
        Assert.Equal([(1, 0.5, reportedAt), (2, 0.4, reportedAt.AddSeconds(1))], curve.Select(o => (o.Epoch, o.Value, o.RecordedAt)));
        Assert.Equal([Decision(trial.Id, 1), Decision(trial.Id, 2)], await Store.GetDecisionsAsync(trial.Id));
        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal((TrialStatus.Running, 2, 0.4, 0.5), (read!.Status, read.LastEpoch, read.LastValue, read.BestValue));
        var changes = await Store.ReadObservationChangesAsync(experiment.Id);
        Assert.Equal([1, 2], changes.Observations.Where(c => c.TrialId == trial.Id).Select(c => c.Epoch));
    }

    [StoreFact]
    public async Task TryRecordEpochAsync_StopDecisionFinishingTheTrial_TrialStoppedWithTheDecisionsReason()
    {
        var (_, trial, lease) = await RunningTrialAsync();
        var stop = Decision(trial.Id, 1, DecisionAction.Stop);

        Assert.True(await Store.TryRecordEpochAsync(lease, 1, 0.5, StoreHarness.Start, stop, TrialStatus.Stopped));

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal((TrialStatus.Stopped, stop.Reason, (string?)null, 1), (read!.Status, read.StopReason, read.Error, read.LastEpoch));
        Assert.Equal(StoreHarness.Start, read.FinishedAt);
        Assert.Equal([stop], await Store.GetDecisionsAsync(trial.Id));

        // The finish a caller falls back to is then a retry of the same end: nothing changes.
        string before = await Harness.SnapshotAsync();
        await Store.FinishTrialAsync(lease, TrialStatus.Stopped, stop.Reason);
        Assert.Equal(before, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task TryRecordEpochAsync_LastEpochContinuing_TrialCompletedWithoutReason()
    {
        var (_, trial, lease) = await RunningTrialAsync(maxEpochs: 2);
        Assert.True(await Store.TryRecordEpochAsync(lease, 1, 0.5, StoreHarness.Start, Decision(trial.Id, 1)));

        Assert.True(await Store.TryRecordEpochAsync(lease, 2, 0.6, StoreHarness.Start, Decision(trial.Id, 2), TrialStatus.Completed));

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal((TrialStatus.Completed, (string?)null, 2, 0.6), (read!.Status, read.StopReason, read.LastEpoch, read.BestValue));
        Assert.False(await Store.TryRecordEpochAsync(lease, 2, 0.6, StoreHarness.Start, Decision(trial.Id, 2), TrialStatus.Completed));
    }

    [StoreFact]
    public async Task TryRecordEpochAsync_EpochAlreadyHasAValueOrADecision_ReturnsFalseAndWritesNothing()
    {
        var cases = new (string Name, Func<TrialLease, Task> Before)[]
        {
            ("same value stored", lease => Store.RecordObservationAsync(lease, 1, 0.5)),
            ("other value stored", lease => Store.RecordObservationAsync(lease, 1, 0.7)),
            ("decision stored", lease => Store.RecordDecisionAsync(lease, Decision(lease.TrialId, 1))),
            ("both stored", lease => Store.TryRecordEpochAsync(lease, 1, 0.5, StoreHarness.Start, Decision(lease.TrialId, 1))),
        };
        foreach (var (name, before) in cases)
        {
            var (_, trial, lease) = await RunningTrialAsync();
            await before(lease);
            string snapshot = await Harness.SnapshotAsync();

            Assert.False(await Store.TryRecordEpochAsync(lease, 1, 0.5, StoreHarness.Start, Decision(trial.Id, 1, DecisionAction.Stop), TrialStatus.Stopped), name);

            Assert.Equal(snapshot, await Harness.SnapshotAsync());
        }
    }

    [StoreFact]
    public async Task TryRecordEpochAsync_LeaseNotCurrent_ReturnsFalseAndWritesNothing()
    {
        var (_, taken, stale) = await RunningTrialAsync();
        Harness.Time.Advance(TimeSpan.FromMinutes(2));
        await Store.ClaimTrialAsync(taken.Id, "worker-b", TimeSpan.FromMinutes(1));
        var (_, ended, finished) = await RunningTrialAsync();
        await Store.FinishTrialAsync(finished, TrialStatus.Completed);
        string snapshot = await Harness.SnapshotAsync();

        Assert.False(await Store.TryRecordEpochAsync(stale, 1, 0.5, StoreHarness.Start, Decision(taken.Id, 1)));
        Assert.False(await Store.TryRecordEpochAsync(finished, 1, 0.5, StoreHarness.Start, Decision(ended.Id, 1, DecisionAction.Stop), TrialStatus.Stopped));

        Assert.Equal(snapshot, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task TryRecordEpochAsync_FinishOrEpochThatDoesNotFit_ValidationErrorNamesTheFieldAndWritesNothing()
    {
        var (_, trial, lease) = await RunningTrialAsync(maxEpochs: 5);
        string snapshot = await Harness.SnapshotAsync();

        var cases = new (string Field, Func<Task> Act)[]
        {
            ("finishAs", () => Store.TryRecordEpochAsync(lease, 1, 0.5, StoreHarness.Start, Decision(trial.Id, 1), TrialStatus.Stopped)),
            ("finishAs", () => Store.TryRecordEpochAsync(lease, 1, 0.5, StoreHarness.Start, Decision(trial.Id, 1, DecisionAction.Stop), TrialStatus.Completed)),
            ("finishAs", () => Store.TryRecordEpochAsync(lease, 1, 0.5, StoreHarness.Start, Decision(trial.Id, 1), TrialStatus.Failed)),
            ("decision.Epoch", () => Store.TryRecordEpochAsync(lease, 1, 0.5, StoreHarness.Start, Decision(trial.Id, 2))),
            ("value", () => Store.TryRecordEpochAsync(lease, 1, double.NaN, StoreHarness.Start, Decision(trial.Id, 1))),
            ("epoch", () => Store.TryRecordEpochAsync(lease, 6, 0.5, StoreHarness.Start, Decision(trial.Id, 6))),
        };
        foreach (var (field, act) in cases)
        {
            var error = await Assert.ThrowsAsync<HpoValidationException>(act);
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(snapshot, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task TryRecordEpochAsync_EightWritersRaceSameEpochs_EachEpochWrittenOnceWithItsDecision()
    {
        // On PostgreSQL a writer that waited for the trial's row while another wrote the same epoch is refused by the
        // unique index and must roll back whole: the test fails if a value is stored without its decision or twice.
        var (_, trial, lease) = await RunningTrialAsync(maxEpochs: 100);
        var written = new ConcurrentDictionary<int, int>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            int[] epochs = Enumerable.Range(1, 100).ToArray();
            new Random(writer).Shuffle(epochs);
            foreach (int epoch in epochs)
            {
                if (await Store.TryRecordEpochAsync(lease, epoch, epoch / 1000.0, StoreHarness.Start, Decision(trial.Id, epoch)))
                {
                    written.AddOrUpdate(epoch, 1, (_, n) => n + 1);
                }
            }
        })));

        Assert.Equal(Enumerable.Range(1, 100), written.Keys.Order());
        Assert.All(written.Values, n => Assert.Equal(1, n));
        Assert.Equal(Enumerable.Range(1, 100).Select(e => e / 1000.0), (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Value));
        Assert.Equal(Enumerable.Range(1, 100), (await Store.GetDecisionsAsync(trial.Id)).Select(d => d.Epoch));
        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal((100, 0.1, 0.1), (read!.LastEpoch, read.LastValue, read.BestValue));
    }
}
