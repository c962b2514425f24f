using System.Collections.Concurrent;
using System.Data.Common;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Connections;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>
/// The guarantees of the hot writes (one observation, one decision) under races: PostgreSQL takes them as one
/// statement each and falls back to a transaction, SQLite always takes the transaction, and both must behave
/// the same way.
/// </summary>
public abstract partial class ExperimentStoreContractTests
{
    [StoreFact]
    public async Task RecordObservationAsync_ConflictingValueThatWouldBeBestAndLast_TrialAggregatesUnchanged()
    {
        foreach (var direction in new[] { MetricDirection.Maximize, MetricDirection.Minimize })
        {
            var (_, trial, lease) = await RunningTrialAsync(direction: direction);
            await Store.RecordObservationsAsync(lease, [(1, 0.5), (2, 0.4)]);
            double tempting = direction == MetricDirection.Maximize ? 0.99 : 0.01;

            await Assert.ThrowsAsync<ObservationConflictException>(() => Store.RecordObservationAsync(lease, 2, tempting));
            await Assert.ThrowsAsync<ObservationConflictException>(() => Store.RecordObservationAsync(lease, 1, tempting));

            var read = await Store.GetTrialAsync(trial.Id);
            Assert.Equal(direction == MetricDirection.Maximize ? 0.5 : 0.4, read!.BestValue);
            Assert.Equal(0.4, read.LastValue);
            Assert.Equal(2, read.LastEpoch);
            Assert.Equal([0.5, 0.4], (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Value));
        }
    }

    [StoreFact]
    public async Task StaleLease_ConflictingValueOrDecision_LeaseProblemToldBeforeTheConflict()
    {
        var (_, trial, stale) = await RunningTrialAsync();
        await Store.RecordObservationAsync(stale, 1, 0.5);
        await Store.RecordDecisionAsync(stale, Decision(trial.Id, 1));
        Harness.Time.Advance(TimeSpan.FromMinutes(2));
        await Store.ClaimTrialAsync(trial.Id, "worker-b", TimeSpan.FromMinutes(1));
        string before = await Harness.SnapshotAsync();

        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.RecordObservationAsync(stale, 1, 0.9));
        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.RecordObservationsAsync(stale, [(1, 0.9), (2, 0.6)]));
        await Assert.ThrowsAsync<StaleLeaseException>(() => Store.RecordDecisionAsync(stale, Decision(trial.Id, 1, DecisionAction.Stop)));

        Assert.Equal(before, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task StaleLease_TakeoverCommitsWhileWriteWaitsForTheTrialLock_WriteRefusedAndNothingWritten()
    {
        var cases = new (string Name, Func<TrialLease, Task> Act)[]
        {
            ("new observation", lease => Store.RecordObservationAsync(lease, 2, 0.9)),
            ("repeated observation", lease => Store.RecordObservationAsync(lease, 1, 0.5)),
            ("observation batch", lease => Store.RecordObservationsAsync(lease, [(2, 0.9), (3, 0.95)])),
            ("new decision", lease => Store.RecordDecisionAsync(lease, Decision(lease.TrialId, 2))),
            ("repeated decision", lease => Store.RecordDecisionAsync(lease, Decision(lease.TrialId, 1))),
        };
        foreach (var (name, act) in cases)
        {
            var (_, trial, lease) = await RunningTrialAsync();
            await Store.RecordObservationAsync(lease, 1, 0.5);
            await Store.RecordDecisionAsync(lease, Decision(trial.Id, 1));

            // A takeover that holds the trial's lock (PostgreSQL: the row; SQLite: the database) while the write
            // starts, then commits: the write must wait for it and then see the new lease.
            await using var raw = await Harness.OpenRawAsync();
            await using var takeover = await raw.BeginTransactionAsync();
            await using (var update = raw.CreateCommand())
            {
                update.Transaction = takeover;
                update.CommandText = "UPDATE trials SET lease_token = @token, worker_id = 'worker-b', attempt = attempt + 1 WHERE id = @id";
                AddParameter(update, "token", Harness.Connection.Provider == DatabaseProvider.PostgreSql ? Guid.NewGuid() : Guid.NewGuid().ToString("D"));
                AddParameter(update, "id", trial.Id);
                Assert.Equal(1, await update.ExecuteNonQueryAsync());
            }

            var write = Task.Run(() => act(lease));
            await Task.Delay(300);
            Assert.False(write.IsCompleted, $"{name}: the write finished while the takeover held the trial");
            await takeover.CommitAsync();

            var error = await Assert.ThrowsAsync<StaleLeaseException>(() => write);
            Assert.Contains("worker-b", error.Message, StringComparison.Ordinal);
            Assert.Equal([1], (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
            Assert.Equal([1], (await Store.GetDecisionsAsync(trial.Id)).Select(d => d.Epoch));
            var read = await Store.GetTrialAsync(trial.Id);
            Assert.Equal((1, 0.5, 0.5), (read!.LastEpoch, read.LastValue, read.BestValue));
        }
    }

    [StoreFact]
    public async Task StaleLease_TakeoverWhileDeciding_AcknowledgedDecisionsKeptAndRejectedOnesAbsent()
    {
        var (_, trial, first) = await RunningTrialAsync(maxEpochs: 100_000);

        var (acknowledged, rejectedAt, _) = await RaceWritesAgainstTakeoverAsync(trial.Id, epoch => Store.RecordDecisionAsync(first, Decision(trial.Id, epoch)));

        Assert.Equal(acknowledged, (await Store.GetDecisionsAsync(trial.Id)).Select(d => d.Epoch));
        Assert.Equal(acknowledged[^1] + 1, rejectedAt);
    }

    [StoreFact]
    public async Task RecordDecisionAsync_EightWritersRaceSameEpochs_EachStoredOnceExactlyOneInserted()
    {
        var (_, trial, lease) = await RunningTrialAsync(maxEpochs: 200);
        var inserted = new ConcurrentDictionary<int, int>();
        var already = new ConcurrentDictionary<int, int>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            int[] epochs = Enumerable.Range(1, 200).ToArray();
            new Random(writer).Shuffle(epochs);
            foreach (int epoch in epochs)
            {
                var outcome = await Store.RecordDecisionAsync(lease, Decision(trial.Id, epoch, epoch % 7 == 0 ? DecisionAction.Stop : DecisionAction.Continue));
                (outcome == RecordOutcome.Inserted ? inserted : already).AddOrUpdate(epoch, 1, (_, n) => n + 1);
            }
        })));

        Assert.Equal(200, inserted.Count);
        Assert.All(inserted.Values, n => Assert.Equal(1, n));
        Assert.All(already.Values, n => Assert.Equal(7, n));
        Assert.Equal(200, already.Count);
        var stored = await Store.GetDecisionsAsync(trial.Id);
        Assert.Equal(Enumerable.Range(1, 200), stored.Select(d => d.Epoch));
        Assert.All(stored, d => Assert.Equal(d.Epoch % 7 == 0 ? DecisionAction.Stop : DecisionAction.Continue, d.Action));
    }

    [StoreFact]
    public async Task RecordObservations_SingleAndBatchWritersWithDecisionsRaceOneTrial_EachStoredOnceAggregatesRight()
    {
        // Single epochs take PostgreSQL's one-statement path and batches its transaction; both lock the trial
        // before any key, so mixing them must neither deadlock nor double-count.
        var (_, trial, lease) = await RunningTrialAsync(maxEpochs: 300);
        static double ValueOf(int epoch) => Math.Round(Math.Sin(epoch) / 2, 6) + 0.5;
        var inserted = new ConcurrentDictionary<int, int>();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(writer => Task.Run(async () =>
        {
            int[] epochs = Enumerable.Range(1, 300).ToArray();
            new Random(100 + writer).Shuffle(epochs);
            for (int start = 0; start < epochs.Length;)
            {
                int size = writer % 2 == 0 ? 1 : Math.Min(8, epochs.Length - start);
                var batch = epochs.Skip(start).Take(size).Select(e => (e, ValueOf(e))).ToList();
                var outcomes = await Store.RecordObservationsAsync(lease, batch);
                for (int i = 0; i < batch.Count; i++)
                {
                    if (outcomes[i] == RecordOutcome.Inserted)
                    {
                        inserted.AddOrUpdate(batch[i].e, 1, (_, n) => n + 1);
                    }
                }

                if (writer % 3 == 0)
                {
                    await Store.RecordDecisionAsync(lease, Decision(trial.Id, batch[0].e));
                }

                start += size;
            }
        })));

        Assert.Equal(300, inserted.Count);
        Assert.All(inserted.Values, n => Assert.Equal(1, n));
        var curve = (await Store.GetCurvesAsync([trial.Id]))[trial.Id];
        Assert.Equal(Enumerable.Range(1, 300), curve.Select(o => o.Epoch));
        Assert.All(curve, o => Assert.Equal(ValueOf(o.Epoch), o.Value));
        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(300, read!.LastEpoch);
        Assert.Equal(ValueOf(300), read.LastValue);
        Assert.Equal(curve.Max(o => o.Value), read.BestValue);
        Assert.Equal(300, (await Store.GetDecisionsAsync(trial.Id)).Count);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
