using System.Collections.Concurrent;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>Observations, curves, best values and decisions.</summary>
public abstract partial class ExperimentStoreContractTests
{
    [StoreFact]
    public async Task RecordObservationAsync_SameValueAgain_AlreadyRecordedAndStoredOnce()
    {
        var (_, trial, lease) = await RunningTrialAsync();

        var first = await Store.RecordObservationAsync(lease, 1, 0.625);
        var again = await Store.RecordObservationAsync(lease, 1, 0.625);

        Assert.Equal(RecordOutcome.Inserted, first);
        Assert.Equal(RecordOutcome.AlreadyRecorded, again);
        var curve = (await Store.GetCurvesAsync([trial.Id]))[trial.Id];
        var point = Assert.Single(curve);
        Assert.Equal(new ObservationRecord(trial.Id, 1, 0.625, StoreHarness.Start), point);
    }

    [StoreFact]
    public async Task RecordObservationAsync_DifferentValueForStoredEpoch_ConflictAndFirstValueStays()
    {
        var (_, trial, lease) = await RunningTrialAsync();
        await Store.RecordObservationAsync(lease, 1, 0.625);
        string before = await Harness.SnapshotAsync();

        var error = await Assert.ThrowsAsync<ObservationConflictException>(() => Store.RecordObservationAsync(lease, 1, 0.7));

        Assert.Contains("epoch 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(0.625, (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Single().Value);
        Assert.Equal(before, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task RecordObservationsAsync_BatchWithOneConflict_WholeBatchRejected()
    {
        var (_, trial, lease) = await RunningTrialAsync();
        await Store.RecordObservationAsync(lease, 2, 0.5);
        string before = await Harness.SnapshotAsync();

        await Assert.ThrowsAsync<ObservationConflictException>(() => Store.RecordObservationsAsync(lease, [(1, 0.4), (2, 0.55), (3, 0.6)]));

        Assert.Equal([2], (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
        Assert.Equal(before, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task RecordObservationsAsync_OverlappingBatch_OutcomePerItemAndAggregatesUpdated()
    {
        var (_, trial, lease) = await RunningTrialAsync();
        await Store.RecordObservationsAsync(lease, [(1, 0.5), (2, 0.7)]);

        var outcomes = await Store.RecordObservationsAsync(lease, [(2, 0.7), (3, 0.6), (3, 0.6), (4, 0.65)]);

        Assert.Equal([RecordOutcome.AlreadyRecorded, RecordOutcome.Inserted, RecordOutcome.AlreadyRecorded, RecordOutcome.Inserted], outcomes);
        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(4, read!.LastEpoch);
        Assert.Equal(0.65, read.LastValue);
        Assert.Equal(0.7, read.BestValue);
        Assert.Equal([0.5, 0.7, 0.6, 0.65], (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Value));
    }

    [StoreFact]
    public async Task RecordObservationAsync_OutOfOrderEpochs_LastEpochIsTheHighestAndBestRespectsMinimize()
    {
        var (_, trial, lease) = await RunningTrialAsync(direction: MetricDirection.Minimize);

        await Store.RecordObservationAsync(lease, 3, 0.30);
        await Store.RecordObservationAsync(lease, 1, 0.90);
        await Store.RecordObservationAsync(lease, 2, 0.25);

        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(3, read!.LastEpoch);
        Assert.Equal(0.30, read.LastValue);
        Assert.Equal(0.25, read.BestValue);
        Assert.Equal([1, 2, 3], (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
    }

    [StoreFact]
    public async Task GetDecisionsAsync_ManyTrials_OneMapByEpochOptionallyOnlyNewer()
    {
        var (experiment, first, firstLease) = await RunningTrialAsync();
        var second = await Store.CreateTrialAsync(experiment.Id, Params());
        var secondLease = await Store.ClaimTrialAsync(second.Id, "w2", TimeSpan.FromMinutes(1));
        await Store.RecordDecisionAsync(firstLease, Decision(first.Id, 2));
        await Store.RecordDecisionAsync(firstLease, Decision(first.Id, 1));
        DateTimeOffset cursor = Decision(first.Id, 1).DecidedAt;
        await Store.RecordDecisionAsync(secondLease, Decision(second.Id, 1) with { DecidedAt = cursor + TimeSpan.FromSeconds(5) });

        var all = await Store.GetDecisionsAsync([first.Id, second.Id, 999_999]);
        var newer = await Store.GetDecisionsAsync([first.Id, second.Id], cursor);

        Assert.Equal([1, 2], all[first.Id].Select(d => d.Epoch));
        Assert.Equal(await Store.GetDecisionsAsync(first.Id), all[first.Id]);
        Assert.Equal([1], all[second.Id].Select(d => d.Epoch));
        Assert.Empty(all[999_999]);
        Assert.Empty(newer[first.Id]);
        Assert.Equal([1], newer[second.Id].Select(d => d.Epoch));
        Assert.Empty(await Store.GetDecisionsAsync([]));
    }

    [StoreFact]
    public async Task GetCurvesAsync_ManyTrials_OneMapWithEmptyListsForAbsentTrials()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        var ids = new List<long>();
        for (int t = 0; t < 5; t++)
        {
            var trial = await Store.CreateTrialAsync(experiment.Id, Params());
            var lease = await Store.ClaimTrialAsync(trial.Id, $"w{t}", TimeSpan.FromMinutes(1));
            await Store.RecordObservationsAsync(lease, Enumerable.Range(1, t + 1).Select(e => (e, (t * 100) + e / 100.0)).ToList());
            ids.Add(trial.Id);
        }

        var curves = await Store.GetCurvesAsync([.. ids, 999_999]);

        Assert.Equal(6, curves.Count);
        Assert.Empty(curves[999_999]);
        for (int t = 0; t < 5; t++)
        {
            Assert.Equal(Enumerable.Range(1, t + 1), curves[ids[t]].Select(o => o.Epoch));
            Assert.All(curves[ids[t]], o => Assert.Equal((t * 100) + o.Epoch / 100.0, o.Value));
        }

        Assert.Empty(await Store.GetCurvesAsync([]));
    }

    [StoreFact]
    public async Task GetBestValueAsync_TwoTrials_DirectionAwareBestOrNullWhenNone()
    {
        var maximize = await Store.CreateExperimentAsync(Spec(direction: MetricDirection.Maximize));
        var minimize = await Store.CreateExperimentAsync(Spec(direction: MetricDirection.Minimize));
        Assert.Null(await Store.GetBestValueAsync(maximize.Id));
        foreach (var experiment in new[] { maximize, minimize })
        {
            for (int t = 0; t < 2; t++)
            {
                var trial = await Store.CreateTrialAsync(experiment.Id, Params());
                var lease = await Store.ClaimTrialAsync(trial.Id, "w", TimeSpan.FromMinutes(1));
                await Store.RecordObservationsAsync(lease, [(1, 0.2 + t), (2, 0.5 + t), (3, 0.4 + t)]);
            }
        }

        Assert.Equal(1.5, await Store.GetBestValueAsync(maximize.Id));
        Assert.Equal(0.2, await Store.GetBestValueAsync(minimize.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.GetBestValueAsync(999_999));
    }

    [StoreFact]
    public async Task RecordDecisionAsync_SameDecisionAgain_AlreadyRecordedDifferentOneConflicts()
    {
        var (_, trial, lease) = await RunningTrialAsync();
        var decision = Decision(trial.Id, 3);

        var first = await Store.RecordDecisionAsync(lease, decision);
        var retry = await Store.RecordDecisionAsync(lease, decision with { DecidedAt = StoreHarness.Start.AddSeconds(9) });
        await Assert.ThrowsAsync<ObservationConflictException>(() => Store.RecordDecisionAsync(lease, decision with { Action = DecisionAction.Stop }));
        await Store.RecordDecisionAsync(lease, Decision(trial.Id, 1, DecisionAction.Stop) with { ProbabilityOfImprovement = null, PredictedLow = null, PredictedHigh = null, Reason = null });

        Assert.Equal(RecordOutcome.Inserted, first);
        Assert.Equal(RecordOutcome.AlreadyRecorded, retry);
        var decisions = await Store.GetDecisionsAsync(trial.Id);
        Assert.Equal([1, 3], decisions.Select(d => d.Epoch));
        Assert.Equal(decision, decisions[1]);
        Assert.Equal(DecisionAction.Stop, decisions[0].Action);
        Assert.Null(decisions[0].ProbabilityOfImprovement);
    }

    [StoreFact]
    public async Task CreateTrialAsync_SixteenWritersFiftyEach_NumbersDenseAndUnique()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());

        var numbers = new ConcurrentBag<int>();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                numbers.Add((await Store.CreateTrialAsync(experiment.Id, Params(lr: (writer + 1) / 100.0, layers: 1 + (i % 8)))).Number);
            }
        })));

        Assert.Equal(Enumerable.Range(1, 800), numbers.Order());
        var stored = await Store.ListTrialsAsync(experiment.Id, 1, 1000);
        Assert.Equal(800, stored.TotalCount);
        Assert.Equal(Enumerable.Range(1, 800), stored.Items.Select(t => t.Number));
        Assert.Equal(800, await Harness.ScalarAsync("SELECT trial_count FROM experiments"));
    }

    [StoreFact]
    public async Task RecordObservationsAsync_EightWritersRaceSameThousandKeys_EachStoredOnceExactlyOneInserted()
    {
        var (_, trial, lease) = await RunningTrialAsync(maxEpochs: 1000);
        static double ValueOf(int epoch) => Math.Round(1 - (1.0 / epoch), 6);

        var inserted = new ConcurrentDictionary<int, int>();
        var already = new ConcurrentDictionary<int, int>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            int[] epochs = Enumerable.Range(1, 1000).ToArray();
            random.Shuffle(epochs);
            for (int start = 0; start < epochs.Length;)
            {
                int size = Math.Min(random.Next(1, 40), epochs.Length - start);
                var batch = epochs.Skip(start).Take(size).Select(e => (e, ValueOf(e))).ToList();
                var outcomes = await Store.RecordObservationsAsync(lease, batch);
                for (int i = 0; i < batch.Count; i++)
                {
                    var counter = outcomes[i] == RecordOutcome.Inserted ? inserted : already;
                    counter.AddOrUpdate(batch[i].e, 1, (_, n) => n + 1);
                }

                start += size;
            }
        })));

        Assert.Equal(1000, inserted.Count);
        Assert.All(inserted.Values, n => Assert.Equal(1, n));
        Assert.All(already.Values, n => Assert.Equal(7, n));
        Assert.Equal(1000, already.Count);
        Assert.Equal(1000, await Harness.ScalarAsync("SELECT COUNT(*) FROM observations"));
        var curve = (await Store.GetCurvesAsync([trial.Id]))[trial.Id];
        Assert.Equal(Enumerable.Range(1, 1000), curve.Select(o => o.Epoch));
        Assert.All(curve, o => Assert.Equal(ValueOf(o.Epoch), o.Value));
        var read = await Store.GetTrialAsync(trial.Id);
        Assert.Equal(1000, read!.LastEpoch);
        Assert.Equal(ValueOf(1000), read.LastValue);
        Assert.Equal(ValueOf(1000), read.BestValue);
    }
}
