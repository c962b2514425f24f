using Hpo.Scheduler.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Scheduler.Tests.Persistence;

/// <summary>
/// The behaviour every <see cref="IExperimentStore"/> must show. A store implementation derives a
/// class and supplies <see cref="CreateStoreAsync"/>; the store must take its clock from the given
/// time provider (leases expire by it). Hpo.Storage's tests can derive from this class too.
/// </summary>
public abstract class ExperimentStoreContract
{
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>A fresh, empty store whose clock is <paramref name="time"/>.</summary>
    protected abstract Task<IExperimentStore> CreateStoreAsync(TimeProvider time);

    protected static ExperimentSpec Spec(string name = "exp", MetricDirection direction = MetricDirection.Maximize, int maxEpochs = 10) => new(
        name,
        "val_accuracy",
        direction,
        0,
        1,
        maxEpochs,
        """{"lr":{"type":"float","low":0.001,"high":0.1,"log":true},"layers":{"type":"int","low":1,"high":4}}""",
        """{"type":"random"}""",
        """{"type":"lcpfn"}""");

    protected const string Params = """{"layers":2,"lr":0.01}""";

    [Fact]
    public async Task CreateExperiment_Valid_StoredAndFoundByIdAndName()
    {
        var store = await CreateStoreAsync(Time);

        var created = await store.CreateExperimentAsync(Spec());

        Assert.Equal(ExperimentStatus.Created, created.Status);
        Assert.Equal(created, await store.GetExperimentAsync(created.Id));
        Assert.Equal(created.Id, (await store.FindExperimentAsync("exp"))!.Id);
        Assert.Null(await store.FindExperimentAsync("other"));
        Assert.Null(await store.GetExperimentAsync(created.Id + 1000));
    }

    [Fact]
    public async Task CreateExperiment_DuplicateName_ThrowsValidationNamingName()
    {
        var store = await CreateStoreAsync(Time);
        await store.CreateExperimentAsync(Spec());

        var ex = await Assert.ThrowsAsync<HpoValidationException>(() => store.CreateExperimentAsync(Spec()));

        Assert.Contains("'Name'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 10, "'Name'")]
    [InlineData("e", 0, "'MaxEpochs'")]
    public async Task CreateExperiment_InvalidSpec_ThrowsValidationNamingField(string name, int maxEpochs, string field)
    {
        var store = await CreateStoreAsync(Time);

        var ex = await Assert.ThrowsAsync<HpoValidationException>(() => store.CreateExperimentAsync(Spec(name, maxEpochs: maxEpochs)));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateExperiment_BadSearchSpace_ThrowsValidationNamingSearchSpace()
    {
        var store = await CreateStoreAsync(Time);

        var ex = await Assert.ThrowsAsync<HpoValidationException>(() => store.CreateExperimentAsync(Spec() with { SearchSpaceJson = """{"lr":{"type":"float","low":1,"high":0}}""" }));

        Assert.Contains("SearchSpaceJson", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetExperimentStatus_Known_UpdatesStatusAndTime()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        Time.Advance(TimeSpan.FromMinutes(1));

        await store.SetExperimentStatusAsync(e.Id, ExperimentStatus.Running);

        var now = await store.GetExperimentAsync(e.Id);
        Assert.Equal(ExperimentStatus.Running, now!.Status);
        Assert.Equal(Time.GetUtcNow(), now.UpdatedAt);
        await Assert.ThrowsAsync<NotFoundException>(() => store.SetExperimentStatusAsync(e.Id + 1000, ExperimentStatus.Running));
    }

    [Fact]
    public async Task ListExperiments_Paged_NewestFirst()
    {
        var store = await CreateStoreAsync(Time);
        for (int i = 1; i <= 3; i++)
        {
            await store.CreateExperimentAsync(Spec($"e{i}"));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await store.ListExperimentsAsync(1, 2);
        var second = await store.ListExperimentsAsync(2, 2);

        Assert.Equal(["e3", "e2"], first.Items.Select(e => e.Spec.Name));
        Assert.Equal(["e1"], second.Items.Select(e => e.Spec.Name));
        Assert.Equal(3, first.TotalCount);
        await Assert.ThrowsAsync<HpoValidationException>(() => store.ListExperimentsAsync(0, 2));
    }

    [Fact]
    public async Task CreateTrial_Concurrent_DenseNumbersWithoutGaps()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());

        var trials = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => store.CreateTrialAsync(e.Id, Params))));

        Assert.Equal(Enumerable.Range(1, 40), trials.Select(t => t.Number).Order());
        Assert.Equal(40, trials.Select(t => t.Id).Distinct().Count());
        Assert.All(trials, t => Assert.Equal(TrialStatus.Pending, t.Status));
        Assert.All(trials, t => Assert.Equal(0, t.Attempt));
    }

    [Theory]
    [InlineData("""{"layers":9,"lr":0.01}""", "'layers'")]
    [InlineData("""{"lr":0.01}""", "'layers'")]
    [InlineData("""{"layers":2,"lr":0.01,"extra":true}""", "'extra'")]
    [InlineData("not json", "parametersJson")]
    public async Task CreateTrial_ParametersOutsideSpace_ThrowsValidationNamingParameter(string json, string expected)
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());

        var ex = await Assert.ThrowsAsync<HpoValidationException>(() => store.CreateTrialAsync(e.Id, json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await store.ListTrialsAsync(e.Id)).TotalCount);
    }

    [Fact]
    public async Task TryCreateTrial_TakenNumberOrFullSlots_NullAndNothingWrittenElseTheNumberAsked()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        var first = await store.CreateTrialAsync(e.Id, Params);

        Assert.Null(await store.TryCreateTrialAsync(e.Id, 1, 5, Params));
        Assert.Null(await store.TryCreateTrialAsync(e.Id, 3, 5, Params));
        Assert.Null(await store.TryCreateTrialAsync(e.Id, 2, 1, Params));
        Assert.Equal(1, (await store.ListTrialsAsync(e.Id)).TotalCount);
        var lease = await store.ClaimTrialAsync(first.Id, "w", Lease);
        await store.FinishTrialAsync(lease, TrialStatus.Completed);
        Assert.Equal(2, (await store.TryCreateTrialAsync(e.Id, 2, 1, Params))?.Number);

        await store.SetExperimentStatusAsync(e.Id, ExperimentStatus.Completed);
        await Assert.ThrowsAsync<TrialStateException>(() => store.TryCreateTrialAsync(e.Id, 3, 5, Params));
        await Assert.ThrowsAsync<NotFoundException>(() => store.TryCreateTrialAsync(12345, 1, 5, Params));
        Assert.Contains("'number'", (await Assert.ThrowsAsync<HpoValidationException>(() => store.TryCreateTrialAsync(e.Id, 0, 5, Params))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryCreateTrial_ManyCreatorsForFourSlots_ExactlyFourDenseTrials()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());

        // Each creator asks for the number after the count it read until it wins or finds every slot taken.
        var created = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var slots = await store.GetTrialSlotsAsync(e.Id, includeEpochs: false);
                if (slots.Unfinished >= 4)
                {
                    return null;
                }

                if (await store.TryCreateTrialAsync(e.Id, slots.Trials + 1, 4, Params) is { } trial)
                {
                    return trial;
                }
            }
        })));

        Assert.Equal([1, 2, 3, 4], created.OfType<TrialRecord>().Select(t => t.Number).Order());
        Assert.Equal(4, (await store.ListTrialsAsync(e.Id)).TotalCount);
    }

    [Fact]
    public async Task CreateTrial_UnknownExperiment_ThrowsNotFound()
    {
        var store = await CreateStoreAsync(Time);

        await Assert.ThrowsAsync<NotFoundException>(() => store.CreateTrialAsync(12345, Params));
    }

    [Fact]
    public async Task ClaimTrial_Pending_RunningWithFirstLease()
    {
        var (store, trial) = await NewTrialAsync();

        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);

        var now = await store.GetTrialAsync(trial.Id);
        Assert.Equal(1, lease.Attempt);
        Assert.Equal(0, lease.ResumeFromEpoch);
        Assert.Equal(TrialStatus.Running, now!.Status);
        Assert.Equal(lease.Token, now.LeaseToken);
        Assert.Equal("w1", now.WorkerId);
        Assert.Equal(Time.GetUtcNow(), now.StartedAt);
    }

    [Fact]
    public async Task ClaimTrial_HeldByLiveLease_ThrowsTrialState()
    {
        var (store, trial) = await NewTrialAsync();
        await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        Time.Advance(Lease - TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TrialStateException>(() => store.ClaimTrialAsync(trial.Id, "w2", Lease));
    }

    [Fact]
    public async Task ClaimTrial_ExpiredLease_NewAttemptResumesAndOldLeaseIsStale()
    {
        var (store, trial) = await NewTrialAsync();
        var first = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationsAsync(first, [(1, 0.3), (2, 0.4), (3, 0.5)]);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var second = await store.ClaimTrialAsync(trial.Id, "w2", Lease);

        Assert.Equal(2, second.Attempt);
        Assert.Equal(3, second.ResumeFromEpoch);
        Assert.NotEqual(first.Token, second.Token);
        await Assert.ThrowsAsync<StaleLeaseException>(() => store.RecordObservationAsync(first, 4, 0.6));
        await Assert.ThrowsAsync<StaleLeaseException>(() => store.HeartbeatAsync(first));
        await Assert.ThrowsAsync<StaleLeaseException>(() => store.FinishTrialAsync(first, TrialStatus.Completed));
        Assert.Equal(3, (await store.GetTrialAsync(trial.Id))!.LastEpoch);
    }

    [Fact]
    public async Task Heartbeat_CurrentLease_KeepsTrialFromGoingStale()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        Time.Advance(Lease - TimeSpan.FromSeconds(5));
        await store.HeartbeatAsync(lease);
        Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(await store.FindStaleTrialsAsync(Time.GetUtcNow() - Lease));
        await Assert.ThrowsAsync<TrialStateException>(() => store.ClaimTrialAsync(trial.Id, "w2", Lease));
        Time.Advance(Lease);
        Assert.Equal(trial.Id, Assert.Single(await store.FindStaleTrialsAsync(Time.GetUtcNow() - Lease)).Id);
    }

    [Fact]
    public async Task RecordObservation_SameValueAgain_AlreadyRecorded()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);

        Assert.Equal(RecordOutcome.Inserted, await store.RecordObservationAsync(lease, 1, 0.25));
        Assert.Equal(RecordOutcome.AlreadyRecorded, await store.RecordObservationAsync(lease, 1, 0.25));

        var curve = (await store.GetCurvesAsync([trial.Id]))[trial.Id];
        Assert.Equal(0.25, Assert.Single(curve).Value);
    }

    [Fact]
    public async Task RecordObservation_DifferentValueForStoredEpoch_ConflictAndFirstStays()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationAsync(lease, 1, 0.25);

        await Assert.ThrowsAsync<ObservationConflictException>(() => store.RecordObservationAsync(lease, 1, 0.26));

        Assert.Equal(0.25, (await store.GetCurvesAsync([trial.Id]))[trial.Id][0].Value);
    }

    [Fact]
    public async Task RecordObservations_BatchWithConflict_NothingWritten()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationAsync(lease, 2, 0.5);

        await Assert.ThrowsAsync<ObservationConflictException>(() => store.RecordObservationsAsync(lease, [(1, 0.4), (2, 0.6)]));

        Assert.Equal([2], (await store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
    }

    [Fact]
    public async Task RecordObservations_Batch_OutcomesPerRowAndTrialSummaryUpdated()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationAsync(lease, 1, 0.3);

        var outcomes = await store.RecordObservationsAsync(lease, [(1, 0.3), (2, 0.7), (3, 0.6)]);

        Assert.Equal([RecordOutcome.AlreadyRecorded, RecordOutcome.Inserted, RecordOutcome.Inserted], outcomes);
        var t = await store.GetTrialAsync(trial.Id);
        Assert.Equal(3, t!.LastEpoch);
        Assert.Equal(0.6, t.LastValue);
        Assert.Equal(0.7, t.BestValue);
        Assert.Equal([1, 2, 3], (await store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
    }

    [Theory]
    [InlineData(0, 0.5, "'epoch'")]
    [InlineData(11, 0.5, "'epoch'")]
    [InlineData(1, double.NaN, "'value'")]
    public async Task RecordObservation_BadEpochOrValue_ThrowsValidationNamingField(int epoch, double value, string field)
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);

        var ex = await Assert.ThrowsAsync<HpoValidationException>(() => store.RecordObservationAsync(lease, epoch, value));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCurves_ManyTrials_AbsentOnesEmpty()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationsAsync(lease, [(2, 0.2), (1, 0.1)]);

        var curves = await store.GetCurvesAsync([trial.Id, 99999]);

        Assert.Equal([1, 2], curves[trial.Id].Select(o => o.Epoch));
        Assert.Empty(curves[99999]);
    }

    [Theory]
    [InlineData(MetricDirection.Maximize, 0.9)]
    [InlineData(MetricDirection.Minimize, 0.1)]
    public async Task GetBestValue_DirectionAware_AcrossTrials(MetricDirection direction, double expected)
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec(direction: direction));
        Assert.Null(await store.GetBestValueAsync(e.Id));
        var a = await store.ClaimTrialAsync((await store.CreateTrialAsync(e.Id, Params)).Id, "w", Lease);
        var b = await store.ClaimTrialAsync((await store.CreateTrialAsync(e.Id, Params)).Id, "w", Lease);

        await store.RecordObservationsAsync(a, [(1, 0.5), (2, 0.9)]);
        await store.RecordObservationsAsync(b, [(1, 0.1), (2, 0.4)]);

        Assert.Equal(expected, await store.GetBestValueAsync(e.Id));
    }

    [Fact]
    public async Task RecordDecision_SameAgainEvenAtOtherTime_AlreadyRecorded()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationAsync(lease, 1, 0.2);
        var decision = new DecisionRecord(trial.Id, 1, DecisionAction.Continue, "lcpfn", 0.4, 0.8, 0.6, 0.9, "fine", Time.GetUtcNow());

        Assert.Equal(RecordOutcome.Inserted, await store.RecordDecisionAsync(lease, decision));
        Assert.Equal(RecordOutcome.AlreadyRecorded, await store.RecordDecisionAsync(lease, decision with { DecidedAt = decision.DecidedAt.AddSeconds(5) }));

        Assert.Equal(decision, Assert.Single(await store.GetDecisionsAsync(trial.Id)));
    }

    [Fact]
    public async Task RecordDecision_DifferentForSameEpoch_ConflictAndFirstStays()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        var decision = new DecisionRecord(trial.Id, 1, DecisionAction.Continue, "asha", null, null, null, null, "not a rung", Time.GetUtcNow());
        await store.RecordDecisionAsync(lease, decision);

        await Assert.ThrowsAsync<ObservationConflictException>(() => store.RecordDecisionAsync(lease, decision with { Action = DecisionAction.Stop }));

        Assert.Equal(DecisionAction.Continue, Assert.Single(await store.GetDecisionsAsync(trial.Id)).Action);
    }

    [Fact]
    public async Task RecordDecision_OtherTrialsId_ThrowsValidation()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);

        await Assert.ThrowsAsync<HpoValidationException>(() => store.RecordDecisionAsync(lease, new DecisionRecord(trial.Id + 1, 1, DecisionAction.Continue, "asha", null, null, null, null, null, Time.GetUtcNow())));
    }

    [Fact]
    public async Task TryRecordEpoch_NewEpochWithStop_ValueDecisionAndEndTogether()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        var at = Time.GetUtcNow();
        var stop = new DecisionRecord(trial.Id, 1, DecisionAction.Stop, "lcpfn", 0.01, 0.3, 0.2, 0.4, "hopeless", at);

        Assert.True(await store.TryRecordEpochAsync(lease, 1, 0.25, at, stop, TrialStatus.Stopped));

        Assert.Equal([(1, 0.25, at)], (await store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => (o.Epoch, o.Value, o.RecordedAt)));
        Assert.Equal(stop, Assert.Single(await store.GetDecisionsAsync(trial.Id)));
        var read = await store.GetTrialAsync(trial.Id);
        Assert.Equal((TrialStatus.Stopped, "hopeless", 1, 0.25), (read!.Status, read.StopReason, read.LastEpoch, read.BestValue));
    }

    [Fact]
    public async Task TryRecordEpoch_StoredEpochOrStaleLease_FalseAndNothingWritten()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationAsync(lease, 1, 0.2);
        var at = Time.GetUtcNow();

        Assert.False(await store.TryRecordEpochAsync(lease, 1, 0.2, at, new DecisionRecord(trial.Id, 1, DecisionAction.Continue, "lcpfn", null, null, null, null, null, at)));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        await store.ClaimTrialAsync(trial.Id, "w2", Lease);
        Assert.False(await store.TryRecordEpochAsync(lease, 2, 0.3, at, new DecisionRecord(trial.Id, 2, DecisionAction.Continue, "lcpfn", null, null, null, null, null, at)));

        Assert.Equal([1], (await store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
        Assert.Empty(await store.GetDecisionsAsync(trial.Id));
        var misfit = await Assert.ThrowsAsync<HpoValidationException>(() => store.TryRecordEpochAsync(lease, 2, 0.3, at, new DecisionRecord(trial.Id, 2, DecisionAction.Continue, "lcpfn", null, null, null, null, null, at), TrialStatus.Stopped));
        Assert.Contains("finishAs", misfit.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindRunnerJobTrial_TrialsCreatedForAJob_NewestUnfinishedOne()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        var own = await store.CreateTrialAsync(e.Id, Params);
        var older = await store.TryCreateTrialAsync(e.Id, 2, 5, Params, runnerJob: "7");
        var newer = await store.TryCreateTrialAsync(e.Id, 3, 5, Params, runnerJob: "7");

        Assert.Equal(newer!.Id, await store.FindRunnerJobTrialAsync(own.Id, "7"));
        await store.FinishTrialAsync(await store.ClaimTrialAsync(newer.Id, "w1", Lease), TrialStatus.Completed);
        Assert.Equal(older!.Id, await store.FindRunnerJobTrialAsync(own.Id, "7"));
        Assert.Null(await store.FindRunnerJobTrialAsync(own.Id, "8"));
        Assert.Contains("runnerJob", (await Assert.ThrowsAsync<HpoValidationException>(() => store.TryCreateTrialAsync(e.Id, 4, 5, Params, runnerJob: ""))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryCreateClaimedTrial_WindowHoldsTheNextNumber_CreatesItClaimedWithItsProposal()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        await store.CreateTrialAsync(e.Id, Params);
        string[] window = ["""{"layers":1,"lr":0.01}""", """{"layers":2,"lr":0.01}""", """{"layers":3,"lr":0.01}"""];

        var made = await store.TryCreateClaimedTrialAsync(e.Id, 1, window, 5, "7", "w1", Lease);

        Assert.NotNull(made);
        Assert.Equal((2, TrialStatus.Running, 1, "w1"), (made.Trial.Number, made.Trial.Status, made.Trial.Attempt, made.Trial.WorkerId));
        Assert.Contains("\"layers\":2", made.Trial.ParametersJson, StringComparison.Ordinal);
        Assert.Equal(new TrialLease(made.Trial.Id, made.Trial.LeaseToken!.Value, 1, "w1", 0), made.Lease);
        await Assert.ThrowsAsync<TrialStateException>(() => store.ClaimTrialAsync(made.Trial.Id, "w2", Lease));
        Assert.Equal(made.Trial.Id, await store.FindRunnerJobTrialAsync(made.Trial.Id, "7"));

        // Outside the window, or with every slot taken: nothing.
        Assert.Null(await store.TryCreateClaimedTrialAsync(e.Id, 4, window, 5, null, "w1", Lease));
        Assert.Null(await store.TryCreateClaimedTrialAsync(e.Id, 3, window, 2, null, "w1", Lease));
        Assert.Equal(2, (await store.GetTrialSlotsAsync(e.Id, includeEpochs: false)).Trials);
        Assert.Contains("proposals", (await Assert.ThrowsAsync<HpoValidationException>(() => store.TryCreateClaimedTrialAsync(e.Id, 3, [], 5, null, "w1", Lease))).Message, StringComparison.Ordinal);
        Assert.Contains("workerId", (await Assert.ThrowsAsync<HpoValidationException>(() => store.TryCreateClaimedTrialAsync(e.Id, 3, window, 5, null, " ", Lease))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetDecisions_ByEpoch()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        foreach (int epoch in new[] { 3, 1, 2 })
        {
            await store.RecordDecisionAsync(lease, new DecisionRecord(trial.Id, epoch, DecisionAction.Continue, "none", null, null, null, null, null, Time.GetUtcNow()));
        }

        Assert.Equal([1, 2, 3], (await store.GetDecisionsAsync(trial.Id)).Select(d => d.Epoch));
    }

    [Fact]
    public async Task FinishTrial_Stopped_TerminalWithReasonAndIdempotent()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        Time.Advance(TimeSpan.FromSeconds(3));

        await store.FinishTrialAsync(lease, TrialStatus.Stopped, "P < δ");
        await store.FinishTrialAsync(lease, TrialStatus.Stopped, "P < δ");

        var t = await store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Stopped, t!.Status);
        Assert.True(t.IsTerminal);
        Assert.Equal("P < δ", t.StopReason);
        Assert.Null(t.Error);
        Assert.Equal(Time.GetUtcNow(), t.FinishedAt);
        Assert.Null(t.LeaseToken);
    }

    [Fact]
    public async Task FinishTrial_Failed_KeepsError()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);

        await store.FinishTrialAsync(lease, TrialStatus.Failed, "out of memory");

        var t = await store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Failed, t!.Status);
        Assert.Equal("out of memory", t.Error);
    }

    [Fact]
    public async Task WritesAfterFinish_ThrowTrialStateAndChangeNothing()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationAsync(lease, 1, 0.5);
        await store.FinishTrialAsync(lease, TrialStatus.Completed);

        await Assert.ThrowsAsync<TrialStateException>(() => store.RecordObservationAsync(lease, 2, 0.6));
        await Assert.ThrowsAsync<TrialStateException>(() => store.FinishTrialAsync(lease, TrialStatus.Failed, "late"));
        await Assert.ThrowsAsync<TrialStateException>(() => store.ClaimTrialAsync(trial.Id, "w2", Lease));

        var t = await store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Completed, t!.Status);
        Assert.Equal(1, t.LastEpoch);
    }

    [Fact]
    public async Task FinishTrial_PendingStatus_ThrowsValidation()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);

        await Assert.ThrowsAsync<HpoValidationException>(() => store.FinishTrialAsync(lease, TrialStatus.Pending));
    }

    [Fact]
    public async Task UnknownTrial_ThrowsNotFoundOrReturnsNull()
    {
        var store = await CreateStoreAsync(Time);
        var ghost = new TrialLease(424242, Guid.NewGuid(), 1, "w", 0);

        Assert.Null(await store.GetTrialAsync(424242));
        await Assert.ThrowsAsync<NotFoundException>(() => store.ClaimTrialAsync(424242, "w", Lease));
        await Assert.ThrowsAsync<NotFoundException>(() => store.RecordObservationAsync(ghost, 1, 0.1));
        await Assert.ThrowsAsync<NotFoundException>(() => store.GetDecisionsAsync(424242));
    }

    [Fact]
    public async Task ListTrials_FilterByStatusAndPage_ByNumber()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        var trials = new List<TrialRecord>();
        for (int i = 0; i < 5; i++)
        {
            trials.Add(await store.CreateTrialAsync(e.Id, Params));
        }

        var lease = await store.ClaimTrialAsync(trials[1].Id, "w", Lease);
        await store.FinishTrialAsync(lease, TrialStatus.Stopped, "asha");

        var page = await store.ListTrialsAsync(e.Id, 2, 2);
        var stopped = await store.ListTrialsAsync(e.Id, status: TrialStatus.Stopped);

        Assert.Equal([3, 4], page.Items.Select(t => t.Number));
        Assert.Equal(5, page.TotalCount);
        Assert.Equal(2, Assert.Single(stopped.Items).Number);
        Assert.Equal(1, stopped.TotalCount);
    }

    [Fact]
    public async Task FindStaleTrials_FilterByExperiment()
    {
        var store = await CreateStoreAsync(Time);
        var e1 = await store.CreateExperimentAsync(Spec("a"));
        var e2 = await store.CreateExperimentAsync(Spec("b"));
        await store.ClaimTrialAsync((await store.CreateTrialAsync(e1.Id, Params)).Id, "w", Lease);
        await store.ClaimTrialAsync((await store.CreateTrialAsync(e2.Id, Params)).Id, "w", Lease);
        Time.Advance(Lease * 2);

        Assert.Equal(2, (await store.FindStaleTrialsAsync(Time.GetUtcNow() - Lease)).Count);
        Assert.Equal(e2.Id, Assert.Single(await store.FindStaleTrialsAsync(Time.GetUtcNow() - Lease, e2.Id)).ExperimentId);
    }

    [Fact]
    public async Task UpsertWorker_AgainRefreshes_ListedMostRecentFirst()
    {
        var store = await CreateStoreAsync(Time);
        var first = await store.UpsertWorkerAsync("w1", "host-a");
        Time.Advance(TimeSpan.FromSeconds(1));
        await store.UpsertWorkerAsync("w2", "host-b");
        Time.Advance(TimeSpan.FromSeconds(1));

        var again = await store.UpsertWorkerAsync("w1", "host-a");

        Assert.Equal(first.StartedAt, again.StartedAt);
        Assert.Equal(Time.GetUtcNow(), again.LastHeartbeat);
        Assert.Equal(["w1", "w2"], (await store.ListWorkersAsync()).Select(w => w.Id));
    }

    [Fact]
    public async Task CountTrialsAsync_RunningAndPendingTrials_CountsAndEpochsPerStatus()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationsAsync(lease, [(1, 0.2), (2, 0.3)]);
        await store.CreateTrialAsync(trial.ExperimentId, trial.ParametersJson);

        var counts = await store.CountTrialsAsync(trial.ExperimentId);

        Assert.Equal([(TrialStatus.Pending, 1, 0L), (TrialStatus.Running, 1, 2L)], counts.Select(c => (c.Status, c.Trials, c.Epochs)).OrderBy(c => c.Status));
    }

    [Fact]
    public async Task GetTrialSlotsAsync_RunningAndPendingTrials_CountsTrialsUnfinishedAndEpochsWhenAsked()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationsAsync(lease, [(1, 0.2), (2, 0.3)]);
        await store.FinishTrialAsync(lease, TrialStatus.Completed);
        await store.CreateTrialAsync(trial.ExperimentId, trial.ParametersJson);

        Assert.Equal(new TrialSlots(2, 1, 2), await store.GetTrialSlotsAsync(trial.ExperimentId, includeEpochs: true));
        Assert.Equal(new TrialSlots(2, 1, null), await store.GetTrialSlotsAsync(trial.ExperimentId, includeEpochs: false));
    }

    [Fact]
    public async Task GetDecisionsAsync_ManyTrialsAfterATime_OnlyNewerOnesByEpoch()
    {
        var (store, trial) = await NewTrialAsync();
        var lease = await store.ClaimTrialAsync(trial.Id, "w1", Lease);
        await store.RecordObservationsAsync(lease, [(1, 0.2), (2, 0.3)]);
        await store.RecordDecisionAsync(lease, new DecisionRecord(trial.Id, 2, DecisionAction.Continue, "lcpfn", 0.4, 0.8, 0.6, 0.9, null, Time.GetUtcNow()));
        DateTimeOffset cursor = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromSeconds(1));
        await store.RecordObservationAsync(lease, 3, 0.35);
        await store.RecordDecisionAsync(lease, new DecisionRecord(trial.Id, 3, DecisionAction.Stop, "lcpfn", 0.01, 0.5, 0.4, 0.6, "hopeless", Time.GetUtcNow()));

        var decisions = await store.GetDecisionsAsync([trial.Id, 999_999], cursor);
        var allDecisions = await store.GetDecisionsAsync([trial.Id]);

        Assert.Equal([3], decisions[trial.Id].Select(d => d.Epoch));
        Assert.Equal([2, 3], allDecisions[trial.Id].Select(d => d.Epoch));
        Assert.Empty(decisions[999_999]);
    }

    private async Task<(IExperimentStore Store, TrialRecord Trial)> NewTrialAsync()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        return (store, await store.CreateTrialAsync(e.Id, Params));
    }

    [Fact]
    public async Task PauseTrial_AfterLastEpoch_PausedThenClaimedResumesAfterThatEpoch()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        var t = await store.CreateTrialAsync(e.Id, Params);
        var lease = await store.ClaimTrialAsync(t.Id, "w1", Lease);
        await store.RecordObservationsAsync(lease, [(1, 0.5), (2, 0.6)]);

        await store.PauseTrialAsync(lease, 2, new byte[] { 1, 2, 3 }, "rung 1");
        await store.PauseTrialAsync(lease, 2, new byte[] { 1, 2, 3 }, "rung 1");

        var paused = await store.GetTrialAsync(t.Id);
        Assert.Equal(TrialStatus.Paused, paused!.Status);
        Assert.Null(paused.LeaseToken);
        Assert.Equal([t.Id], (await store.ListTrialsAsync(e.Id, status: TrialStatus.Paused)).Items.Select(x => x.Id));
        await Assert.ThrowsAsync<TrialStateException>(() => store.RecordObservationAsync(lease, 3, 0.7));
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            try
            {
                return await store.ClaimTrialAsync(t.Id, $"w{i + 2}", Lease);
            }
            catch (TrialStateException)
            {
                return null;
            }
        })));
        var resumed = Assert.Single(claims, c => c is not null)!;
        Assert.Equal(2, resumed.ResumeFromEpoch);
        Assert.Equal(new byte[] { 1, 2, 3 }, (await store.GetCheckpointAsync(t.Id))!.Data);
        Assert.Equal(RecordOutcome.Inserted, await store.RecordObservationAsync(resumed, 3, 0.7));
    }

    [Fact]
    public async Task PauseTrial_EpochNotLastOrEmptyCheckpoint_ValidationAndStillRunning()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        var t = await store.CreateTrialAsync(e.Id, Params);
        var lease = await store.ClaimTrialAsync(t.Id, "w1", Lease);
        await store.RecordObservationsAsync(lease, [(1, 0.5), (2, 0.6)]);

        await Assert.ThrowsAsync<HpoValidationException>(() => store.PauseTrialAsync(lease, 1, new byte[] { 1 }));
        await Assert.ThrowsAsync<HpoValidationException>(() => store.PauseTrialAsync(lease, 2, ReadOnlyMemory<byte>.Empty));

        Assert.Equal(TrialStatus.Running, (await store.GetTrialAsync(t.Id))!.Status);
        Assert.Null(await store.GetCheckpointAsync(t.Id));
    }

    [Fact]
    public async Task StopPausedTrial_PausedThenRunning_StoppedForGoodElseTrialState()
    {
        var store = await CreateStoreAsync(Time);
        var e = await store.CreateExperimentAsync(Spec());
        var t = await store.CreateTrialAsync(e.Id, Params);
        var lease = await store.ClaimTrialAsync(t.Id, "w1", Lease);
        await store.RecordObservationAsync(lease, 1, 0.5);
        var other = await store.ClaimTrialAsync((await store.CreateTrialAsync(e.Id, Params)).Id, "w2", Lease);
        await store.PauseTrialAsync(lease, 1, new byte[] { 9 });

        await store.StopPausedTrialAsync(t.Id, "hopeless");
        await store.StopPausedTrialAsync(t.Id, "hopeless");

        var stopped = await store.GetTrialAsync(t.Id);
        Assert.Equal(TrialStatus.Stopped, stopped!.Status);
        Assert.Equal("hopeless", stopped.StopReason);
        await Assert.ThrowsAsync<TrialStateException>(() => store.StopPausedTrialAsync(other.TrialId, "no"));
        await Assert.ThrowsAsync<TrialStateException>(() => store.ClaimTrialAsync(t.Id, "w3", Lease));
    }
}
