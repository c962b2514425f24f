using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>Paused trials: pause with a checkpoint under the lease, resume by claiming, stop for good, size limit, folder.</summary>
public abstract partial class ExperimentStoreContractTests
{
    private static byte[] Bytes(int length, byte seed = 7) => Enumerable.Range(0, length).Select(i => (byte)((i * 31) + seed)).ToArray();

    private async Task<(TrialRecord Trial, TrialLease Lease)> TrialAfterEpochsAsync(int epochs)
    {
        var (_, trial, lease) = await RunningTrialAsync();
        await Store.RecordObservationsAsync(lease, Enumerable.Range(1, epochs).Select(e => (e, 0.1 * e)).ToList());
        return (trial, lease);
    }

    [StoreFact]
    public async Task PauseTrialAsync_AfterLastEpoch_PausedLeaseReleasedCheckpointStored()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(2);
        byte[] data = Bytes(300);

        await Store.PauseTrialAsync(lease, 2, data, "rung 1");

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Paused, read!.Status);
        Assert.False(read.IsTerminal);
        Assert.Null(read.LeaseToken);
        Assert.Equal("rung 1", read.StopReason);
        var checkpoint = await Store.GetCheckpointAsync(trial.Id);
        Assert.Equal(2, checkpoint!.Epoch);
        Assert.Equal(data, checkpoint.Data);
        Assert.Equal(StoreHarness.Start, checkpoint.SavedAt);
        var paused = await Store.ListTrialsAsync(trial.ExperimentId, status: TrialStatus.Paused);
        Assert.Equal([trial.Id], paused.Items.Select(t => t.Id));

        // The released lease writes nothing more.
        await Assert.ThrowsAsync<TrialStateException>(() => Store.RecordObservationAsync(lease, 3, 0.3));
        await Assert.ThrowsAsync<TrialStateException>(() => Store.HeartbeatAsync(lease));
    }

    [StoreFact]
    public async Task PauseTrialAsync_SameLeaseAgain_IdempotentNothingChanged()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(2);
        await Store.PauseTrialAsync(lease, 2, Bytes(100), "first");
        string before = await Harness.SnapshotAsync();

        await Store.PauseTrialAsync(lease, 2, Bytes(100), "first");

        Assert.Equal(before, await Harness.SnapshotAsync());
        Assert.Equal(TrialStatus.Paused, (await Store.GetTrialAsync(trial.Id))!.Status);
    }

    [StoreFact]
    public async Task ClaimTrialAsync_Paused_RunningAgainResumingAfterPausedEpoch()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(3);
        await Store.PauseTrialAsync(lease, 3, Bytes(64), "rung 1");
        Harness.Time.Advance(TimeSpan.FromSeconds(5));

        var resumed = await Store.ClaimTrialAsync(trial.Id, "worker-b", LeaseDuration);

        Assert.Equal(3, resumed.ResumeFromEpoch);
        Assert.Equal(2, resumed.Attempt);
        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Running, read!.Status);
        Assert.Equal("worker-b", read.WorkerId);
        Assert.Null(read.StopReason);
        Assert.Equal(3, (await Store.GetCheckpointAsync(trial.Id))!.Epoch);
        Assert.Equal(RecordOutcome.Inserted, await Store.RecordObservationAsync(resumed, 4, 0.4));
        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.RecordObservationAsync(lease, 5, 0.5));
    }

    [StoreFact]
    public async Task ClaimTrialAsync_PausedClaimedByTwoWorkersAtOnce_ExactlyOneWins()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(1);
        await Store.PauseTrialAsync(lease, 1, Bytes(64), "rung 1");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                return await Store.ClaimTrialAsync(trial.Id, $"worker-{i}", LeaseDuration);
            }
            catch (TrialStateException)
            {
                return null;
            }
        })));

        var winner = Assert.Single(attempts, a => a is not null);
        Assert.Equal(1, winner!.ResumeFromEpoch);
        Assert.Equal(2, (await Store.GetTrialAsync(trial.Id))!.Attempt);
    }

    [StoreFact]
    public async Task PauseTrialAsync_EpochNotTheLastRecorded_ValidationErrorNothingWritten()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(3);
        string before = await Harness.SnapshotAsync();

        var error = await Assert.ThrowsAsync<HpoValidationException>(() => Store.PauseTrialAsync(lease, 2, Bytes(64)));

        Assert.Contains("epoch", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Harness.SnapshotAsync());
        Assert.Equal(TrialStatus.Running, (await Store.GetTrialAsync(trial.Id))!.Status);
    }

    [StoreFact]
    public async Task PauseTrialAsync_StaleLease_RejectedNothingWritten()
    {
        var (trial, first) = await TrialAfterEpochsAsync(2);
        Harness.Time.Advance(TimeSpan.FromMinutes(2));
        await Store.ClaimTrialAsync(trial.Id, "worker-b", TimeSpan.FromMinutes(1));
        string before = await Harness.SnapshotAsync();

        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.PauseTrialAsync(first, 2, Bytes(64)));

        Assert.Equal(before, await Harness.SnapshotAsync());
        Assert.Null(await Store.GetCheckpointAsync(trial.Id));
    }

    [StoreFact]
    public async Task PauseTrialAsync_OverSizeLimit_ErrorNamesTrialSizeAndLimitNothingWritten()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(1);
        string before = await Harness.SnapshotAsync();

        var error = await Assert.ThrowsAsync<HpoValidationException>(() => Store.PauseTrialAsync(lease, 1, Bytes((int)MaxCheckpointBytes + 1)));

        Assert.Contains($"trial {trial.Id}", error.Message, StringComparison.Ordinal);
        Assert.Contains("65,537 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("65,536", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Harness.SnapshotAsync());
        Assert.False(Directory.Exists(CheckpointFolder) && Directory.EnumerateFiles(CheckpointFolder).Any());
    }

    [StoreFact]
    public async Task PauseTrialAsync_OverInlineThreshold_StoredAsFileAndReadBackVerified()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(2);
        byte[] large = Bytes((int)CheckpointInlineBytes + 100);

        await Store.PauseTrialAsync(lease, 2, large);

        string file = Assert.Single(Directory.GetFiles(CheckpointFolder));
        Assert.Equal(large, (await Store.GetCheckpointAsync(trial.Id))!.Data);
        Assert.Equal(1, await Harness.ScalarAsync($"SELECT COUNT(*) FROM checkpoints WHERE trial_id = {trial.Id} AND data IS NULL"));

        // A later pause replaces the checkpoint and removes the file it no longer refers to.
        var resumed = await Store.ClaimTrialAsync(trial.Id, "worker-b", LeaseDuration);
        await Store.RecordObservationAsync(resumed, 3, 0.3);
        await Store.PauseTrialAsync(resumed, 3, Bytes(10, seed: 1));
        Assert.False(File.Exists(file));
        Assert.Equal(Bytes(10, seed: 1), (await Store.GetCheckpointAsync(trial.Id))!.Data);
    }

    [StoreFact]
    public async Task GetCheckpointAsync_FileChangedBehindTheStoresBack_InvalidDataNamingTrial()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(1);
        await Store.PauseTrialAsync(lease, 1, Bytes((int)CheckpointInlineBytes + 1));
        string file = Assert.Single(Directory.GetFiles(CheckpointFolder));
        await File.WriteAllBytesAsync(file, Bytes(20));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetCheckpointAsync(trial.Id));

        Assert.Contains($"trial {trial.Id}", error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task StopPausedTrialAsync_Paused_StoppedForGoodAndIdempotent()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(2);
        await Store.PauseTrialAsync(lease, 2, Bytes(64));

        await Store.StopPausedTrialAsync(trial.Id, "P(beat best) below delta");
        await Store.StopPausedTrialAsync(trial.Id, "P(beat best) below delta");

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Stopped, read!.Status);
        Assert.Equal("P(beat best) below delta", read.StopReason);
        Assert.Equal(StoreHarness.Start, read.FinishedAt);
        await Assert.ThrowsAsync<TrialStateException>(() => Store.ClaimTrialAsync(trial.Id, "worker-b", LeaseDuration));
    }

    [StoreFact]
    public async Task StopPausedTrialAsync_RunningTrial_TrialStateNothingWritten()
    {
        var (trial, _) = await TrialAfterEpochsAsync(1);
        string before = await Harness.SnapshotAsync();

        await Assert.ThrowsAsync<TrialStateException>(() => Store.StopPausedTrialAsync(trial.Id, "no"));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.StopPausedTrialAsync(trial.Id + 1000, "no"));

        Assert.Equal(before, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task RequeuePausedTrialAsync_Paused_PendingOnceThenClaimResumesAfterPausedEpoch()
    {
        var (trial, lease) = await TrialAfterEpochsAsync(2);
        await Store.PauseTrialAsync(lease, 2, Bytes(64), "rung 1");

        Assert.True(await Store.RequeuePausedTrialAsync(trial.Id));
        Assert.False(await Store.RequeuePausedTrialAsync(trial.Id));

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Pending, read!.Status);
        Assert.Null(read.StopReason);
        var resumed = await Store.ClaimTrialAsync(trial.Id, "worker-b", LeaseDuration);
        Assert.Equal(2, resumed.ResumeFromEpoch);
        Assert.Equal(2, (await Store.GetCheckpointAsync(trial.Id))!.Epoch);
        Assert.False(await Store.RequeuePausedTrialAsync(trial.Id));
    }
}
