using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>Leases: claim, heartbeat, finish, takeover and the stale-lease fence.</summary>
public abstract partial class ExperimentStoreContractTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    [StoreFact]
    public async Task ClaimTrialAsync_Pending_RunningWithTokenAttemptOneAndHeartbeat()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        var trial = await Store.CreateTrialAsync(experiment.Id, Params());

        var lease = await Store.ClaimTrialAsync(trial.Id, "worker-a", LeaseDuration);

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(1, lease.Attempt);
        Assert.Equal(0, lease.ResumeFromEpoch);
        Assert.Equal("worker-a", lease.WorkerId);
        Assert.Equal(TrialStatus.Running, read!.Status);
        Assert.Equal(lease.Token, read.LeaseToken);
        Assert.Equal("worker-a", read.WorkerId);
        Assert.Equal(StoreHarness.Start, read.StartedAt);
        Assert.Equal(StoreHarness.Start, read.LastHeartbeat);
    }

    [StoreFact]
    public async Task ClaimTrialAsync_LiveLease_ThrowsTrialStateNamingHolder()
    {
        var (_, trial, _) = await RunningTrialAsync();
        Harness.Time.Advance(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<TrialStateException>(() => Store.ClaimTrialAsync(trial.Id, "worker-b", TimeSpan.FromMinutes(1)));

        Assert.Contains("worker-a", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await Store.GetTrialAsync(trial.Id))!.Attempt);
    }

    [StoreFact]
    public async Task ClaimTrialAsync_ExpiredLease_TakesOverAndResumesAfterLastEpoch()
    {
        var (_, trial, first) = await RunningTrialAsync();
        await Store.RecordObservationsAsync(first, [(1, 0.5), (2, 0.6), (3, 0.65)]);
        Harness.Time.Advance(TimeSpan.FromMinutes(2));

        var second = await Store.ClaimTrialAsync(trial.Id, "worker-b", TimeSpan.FromMinutes(1));

        Assert.Equal(2, second.Attempt);
        Assert.Equal(3, second.ResumeFromEpoch);
        Assert.NotEqual(first.Token, second.Token);
        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal("worker-b", read!.WorkerId);
        Assert.Equal(StoreHarness.Start, read.StartedAt);
    }

    [StoreFact]
    public async Task StaleLease_AfterTakeover_EveryWriteRejectedAndNothingWritten()
    {
        var (_, trial, stale) = await RunningTrialAsync();
        await Store.RecordObservationAsync(stale, 1, 0.5);
        Harness.Time.Advance(TimeSpan.FromMinutes(2));
        var current = await Store.ClaimTrialAsync(trial.Id, "worker-b", TimeSpan.FromMinutes(1));
        string before = await Harness.SnapshotAsync();

        var observation = await Assert.ThrowsAsync<StaleLeaseException>(() => Store.RecordObservationAsync(stale, 2, 0.7));
        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.RecordObservationAsync(stale, 1, 0.5));
        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.RecordObservationsAsync(stale, [(2, 0.7), (3, 0.8)]));
        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.HeartbeatAsync(stale));
        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.FinishTrialAsync(stale, TrialStatus.Completed));
        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.RecordDecisionAsync(stale, Decision(trial.Id, 1)));

        Assert.Contains("worker-b", observation.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Harness.SnapshotAsync());
        Assert.Equal(RecordOutcome.Inserted, await Store.RecordObservationAsync(current, 2, 0.7));
        Assert.Equal(TrialStatus.Running, (await Store.GetTrialAsync(trial.Id))!.Status);
    }

    [StoreFact]
    public async Task StaleLease_TakeoverWhileWriting_AcknowledgedWritesKeptAndRejectedOnesAbsent()
    {
        var (_, trial, first) = await RunningTrialAsync(maxEpochs: 100_000);

        var (acknowledged, rejectedAt, second) = await RaceWritesAgainstTakeoverAsync(trial.Id, epoch => Store.RecordObservationAsync(first, epoch, epoch / 100_000.0));

        Assert.Equal(acknowledged, (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
        Assert.Equal(acknowledged[^1], second.ResumeFromEpoch);
        Assert.Equal(acknowledged[^1] + 1, rejectedAt);
    }

    /// <summary>
    /// Runs <paramref name="write"/> for epochs 1, 2, … until it is refused with a stale lease, while
    /// "worker-b" takes the trial over after the 20th acknowledged write. The writer has far more epochs
    /// to write than it can before the takeover, even on a loaded machine, so the race is always exercised.
    /// </summary>
    private async Task<(List<int> Acknowledged, int RejectedAt, TrialLease Second)> RaceWritesAgainstTakeoverAsync(long trialId, Func<int, Task> write)
    {
        var acknowledged = new List<int>();
        int written = 0;
        int rejectedAt = 0;
        var writer = Task.Run(async () =>
        {
            for (int epoch = 1; epoch <= 100_000; epoch++)
            {
                try
                {
                    await write(epoch);
                    acknowledged.Add(epoch);
                    Interlocked.Increment(ref written);
                }
                catch (StaleLeaseException)
                {
                    rejectedAt = epoch;
                    return;
                }
            }
        });
        while (Volatile.Read(ref written) < 20 && !writer.IsCompleted)
        {
            await Task.Delay(1);
        }

        Harness.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await Store.ClaimTrialAsync(trialId, "worker-b", TimeSpan.FromMinutes(1));
        await writer;
        Assert.True(rejectedAt > 0, "the first worker finished before the takeover; the race was not exercised");
        return (acknowledged, rejectedAt, second);
    }

    [StoreFact]
    public async Task HeartbeatAsync_CurrentLease_MovesHeartbeatAndKeepsTrialOffStaleList()
    {
        var (experiment, trial, lease) = await RunningTrialAsync();
        await Store.UpsertWorkerAsync("worker-a", "host");
        Harness.Time.Advance(TimeSpan.FromSeconds(20));

        await Store.HeartbeatAsync(lease);
        Harness.Time.Advance(TimeSpan.FromSeconds(20));

        var now = Harness.Time.GetUtcNow();
        Assert.Equal(now.AddSeconds(-20), (await Store.GetTrialAsync(trial.Id))!.LastHeartbeat);
        Assert.Empty(await Store.FindStaleTrialsAsync(now.AddSeconds(-30)));
        Assert.Equal([trial.Id], (await Store.FindStaleTrialsAsync(now.AddSeconds(-10), experiment.Id)).Select(t => t.Id));
        Assert.Empty(await Store.FindStaleTrialsAsync(now, experiment.Id + 1));
        Assert.Equal(now.AddSeconds(-20), (await Store.ListWorkersAsync()).Single().LastHeartbeat);
    }

    [StoreFact]
    public async Task FindStaleTrialsAsync_PendingAndFinishedTrials_AreNeverStale()
    {
        var (experiment, _, lease) = await RunningTrialAsync();
        await Store.CreateTrialAsync(experiment.Id, Params());
        await Store.FinishTrialAsync(lease, TrialStatus.Completed);
        Harness.Time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await Store.FindStaleTrialsAsync(Harness.Time.GetUtcNow()));
    }

    [StoreFact]
    public async Task FinishTrialAsync_Stopped_StoresReasonAndIsIdempotentForSameLease()
    {
        var (_, trial, lease) = await RunningTrialAsync();
        Harness.Time.Advance(TimeSpan.FromSeconds(5));

        await Store.FinishTrialAsync(lease, TrialStatus.Stopped, "P(improve) 0.01 < 0.05");
        await Store.FinishTrialAsync(lease, TrialStatus.Stopped, "P(improve) 0.01 < 0.05");

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Stopped, read!.Status);
        Assert.True(read.IsTerminal);
        Assert.Null(read.LeaseToken);
        Assert.Equal("P(improve) 0.01 < 0.05", read.StopReason);
        Assert.Null(read.Error);
        Assert.Equal(StoreHarness.Start.AddSeconds(5), read.FinishedAt);
        await Assert.ThrowsAsync<TrialStateException>(() => Store.FinishTrialAsync(lease, TrialStatus.Completed));
        await Assert.ThrowsAsync<TrialStateException>(() => Store.ClaimTrialAsync(trial.Id, "worker-b", LeaseDuration));
    }

    [StoreFact]
    public async Task FinishTrialAsync_Failed_StoresError()
    {
        var (_, trial, lease) = await RunningTrialAsync();

        await Store.FinishTrialAsync(lease, TrialStatus.Failed, "CUDA out of memory");

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Failed, read!.Status);
        Assert.Equal("CUDA out of memory", read.Error);
        Assert.Null(read.StopReason);
    }

    [StoreFact]
    public async Task ClaimTrialAsync_EightWorkersRaceOnePendingTrial_ExactlyOneWins()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        var trial = await Store.CreateTrialAsync(experiment.Id, Params());

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await Task.Yield();
            try
            {
                return await Store.ClaimTrialAsync(trial.Id, $"worker-{i}", LeaseDuration);
            }
            catch (TrialStateException)
            {
                return null;
            }
        }));

        var winner = Assert.Single(attempts, a => a is not null);
        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(1, read!.Attempt);
        Assert.Equal(winner!.WorkerId, read.WorkerId);
        Assert.Equal(winner.Token, read.LeaseToken);
    }

    protected static DecisionRecord Decision(long trialId, int epoch, DecisionAction action = DecisionAction.Continue) =>
        new(trialId, epoch, action, "lcpfn", 0.42, 0.81, 0.7, 0.9, "P(improve) 0.42 >= 0.05", StoreHarness.Start);
}
