using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Stopping.None;
using Hpo.Scheduler.Stopping.Patience;
using Hpo.Scheduler.Tests.TestDoubles;
using Hpo.Scheduler.Tuning;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Scheduler.Tests.Experiments;

public sealed class ExperimentRunnerTests
{
    private const int MaxEpochs = 12;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryExperimentStore _store;

    public ExperimentRunnerTests()
    {
        _store = new InMemoryExperimentStore(_time);
    }

    private static ExperimentSpec Spec(string policyJson = """{"type":"none"}""", string name = "exp", MetricDirection direction = MetricDirection.Maximize) =>
        new(name, "accuracy", direction, 0, 1, MaxEpochs, SyntheticWorkload.SpaceJson, """{"type":"random"}""", policyJson);

    /// <summary>Proposes fixed configurations in order (trial n gets configs[n − 1]) and records updates.</summary>
    private sealed class ListTuner(params TrialParameters[] configs) : ITuner
    {
        public List<TrialResult> Updates { get; } = [];

        public TrialParameters Propose(TrialSettings settings) => configs[settings.TrialId - 1];

        public void Update(TrialResult result)
        {
            lock (Updates)
            {
                Updates.Add(result);
            }
        }
    }

    private ExperimentRunner Runner() => new(_store, new StoppingPolicyFactory(new ExtrapolatingCurvePredictor()), new TunerFactory(), _time);

    [Fact]
    public async Task RunAsync_NoStopping_EveryTrialCompletesAllEpochs()
    {
        var workload = new SyntheticWorkload();

        var summary = await Runner().RunAsync(Spec(), workload, new ExperimentOptions { MaxTrials = 5, Concurrency = 2, Seed = 1 });

        Assert.Equal(ExperimentStatus.Completed, summary.Status);
        Assert.Equal(5, summary.Trials);
        Assert.Equal(5, summary.Completed);
        Assert.Equal(0, summary.StoppedEarly);
        Assert.Equal(5 * MaxEpochs, summary.EpochsUsed);
        Assert.Equal(summary.EpochsUsed, summary.EpochsWithoutStopping);
        Assert.Equal(1.0, summary.EpochSpeedup);
        var trials = (await _store.ListTrialsAsync(summary.ExperimentId)).Items;
        Assert.Equal([1, 2, 3, 4, 5], trials.Select(t => t.Number));
        Assert.Equal(trials.Max(t => t.BestValue), summary.BestValue);
        Assert.Equal(trials.MaxBy(t => t.BestValue)!.Number, summary.BestTrialNumber);
        Assert.Equal(TrialParameters.FromJson(trials.MaxBy(t => t.BestValue)!.ParametersJson).ToJson(), summary.BestParameters!.ToJson());
        Assert.All(trials, t => Assert.Equal(MaxEpochs, t.LastEpoch));
    }

    [Fact]
    public async Task RunAsync_EachEpoch_ObservationAndDecisionPersisted()
    {
        var tuner = new ListTuner(SyntheticWorkload.Config(0.9), SyntheticWorkload.Config(0.5, plateau: 2));

        var summary = await Runner().RunAsync(Spec(), new SyntheticWorkload(), new PatienceStoppingPolicy(new PatienceOptions { K = 1 }), tuner, new ExperimentOptions { MaxTrials = 2, Concurrency = 1 });

        var trials = (await _store.ListTrialsAsync(summary.ExperimentId)).Items;
        var good = trials[0];
        var plateau = trials[1];
        Assert.Equal(TrialStatus.Completed, good.Status);
        Assert.Equal(TrialStatus.Stopped, plateau.Status);
        Assert.Equal(4, plateau.LastEpoch);
        Assert.Contains("without improvement", plateau.StopReason, StringComparison.Ordinal);
        var decisions = await _store.GetDecisionsAsync(plateau.Id);
        Assert.Equal([1, 2, 3, 4], decisions.Select(d => d.Epoch));
        Assert.Equal(DecisionAction.Stop, decisions[^1].Action);
        Assert.All(decisions, d => Assert.Equal("patience", d.Policy));
        Assert.Equal(MaxEpochs, (await _store.GetDecisionsAsync(good.Id)).Count);
        Assert.Equal(MaxEpochs + 4, summary.EpochsUsed);
        Assert.Equal(2 * MaxEpochs, summary.EpochsWithoutStopping);
        Assert.Equal(1, summary.StoppedEarly);
        Assert.Equal(2, tuner.Updates.Count);
        Assert.True(tuner.Updates.Single(u => u.TrialSettings.TrialId == 2).StoppedEarly);
    }

    [Fact]
    public async Task RunAsync_LcPfnPolicy_StopsHopelessTrialsAndKeepsTheBest()
    {
        var configs = new[] { 0.9, 0.3, 0.35, 0.95, 0.2 }.Select(q => SyntheticWorkload.Config(q, plateau: q < 0.5 ? 3 : 0)).ToArray();
        var predictor = new ExtrapolatingCurvePredictor();

        var summary = await Runner().RunAsync(Spec(), new SyntheticWorkload(), new LcPfnStoppingPolicy(predictor), new ListTuner(configs), new ExperimentOptions { MaxTrials = 5, Concurrency = 1 });

        var trials = (await _store.ListTrialsAsync(summary.ExperimentId)).Items;
        Assert.Equal(TrialStatus.Completed, trials[0].Status);
        Assert.Equal(TrialStatus.Completed, trials[3].Status);
        Assert.All(new[] { trials[1], trials[2], trials[4] }, t => Assert.Equal(TrialStatus.Stopped, t.Status));
        Assert.Equal(4, summary.BestTrialNumber);
        Assert.True(summary.EpochSpeedup > 1.3, $"speed-up {summary.EpochSpeedup}");
        var stop = (await _store.GetDecisionsAsync(trials[1].Id))[^1];
        Assert.Equal("lcpfn", stop.Policy);
        Assert.True(stop.ProbabilityOfImprovement < 0.05);
        Assert.True(stop.PredictedLow <= stop.PredictedMedian && stop.PredictedMedian <= stop.PredictedHigh);
    }

    [Fact]
    public async Task RunAsync_FromSpecJson_PolicyAndTunerBuiltFromSettings()
    {
        var summary = await Runner().RunAsync(Spec("""{"type":"asha","eta":3,"minResource":1}"""), new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 9, Concurrency = 3, Seed = 5 });

        var trials = (await _store.ListTrialsAsync(summary.ExperimentId)).Items;
        Assert.Equal(9, trials.Count);
        Assert.True(summary.StoppedEarly > 0);
        Assert.All(trials, t => Assert.True(t.Status is TrialStatus.Completed or TrialStatus.Stopped));
        Assert.All(await Task.WhenAll(trials.Select(t => _store.GetDecisionsAsync(t.Id))), ds => Assert.All(ds, d => Assert.Equal("asha", d.Policy)));
    }

    [Fact]
    public async Task RunAsync_SameSeed_SameTrialsAndOutcome()
    {
        async Task<string[]> RunOnce(string name)
        {
            var summary = await Runner().RunAsync(Spec("""{"type":"patience","k":2}""", name), new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 6, Concurrency = 1, Seed = 11 });
            return (await _store.ListTrialsAsync(summary.ExperimentId)).Items.Select(t => $"{t.ParametersJson}|{t.Status}|{t.LastEpoch}").ToArray();
        }

        Assert.Equal(await RunOnce("a"), await RunOnce("b"));
    }

    [Fact]
    public async Task RunAsync_EpochBudget_NoMoreEpochsThanBudget()
    {
        var summary = await Runner().RunAsync(Spec(), new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 10, MaxTotalEpochs = 30, Concurrency = 2 });

        Assert.Equal(ExperimentStatus.Completed, summary.Status);
        Assert.Equal(30, summary.EpochsUsed);
        var trials = (await _store.ListTrialsAsync(summary.ExperimentId)).Items;
        Assert.All(trials, t => Assert.True(t.IsTerminal));
        Assert.Contains(trials, t => t.Status == TrialStatus.Stopped && t.StopReason!.Contains("epoch budget", StringComparison.Ordinal));
        Assert.True(trials.Count < 10);
    }

    [Fact]
    public async Task RunAsync_WallTimeBudget_StopsWhenFakeClockPassesIt()
    {
        var workload = new SyntheticWorkload { Clock = _time, EpochDuration = TimeSpan.FromSeconds(1) };

        var summary = await Runner().RunAsync(Spec(), workload, new ExperimentOptions { MaxTrials = 10, MaxWallTime = TimeSpan.FromSeconds(20), Concurrency = 1 });

        Assert.Equal(20, summary.EpochsUsed);
        Assert.Equal(TimeSpan.FromSeconds(20), summary.WallTime);
        var trials = (await _store.ListTrialsAsync(summary.ExperimentId)).Items;
        Assert.Equal(2, trials.Count);
        Assert.Contains("wall-time budget", trials[1].StopReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WorkloadThrows_TrialFailedOthersCarryOn()
    {
        var tuner = new ListTuner(SyntheticWorkload.Config(0.8), SyntheticWorkload.Config(0.0), SyntheticWorkload.Config(0.7));

        var summary = await Runner().RunAsync(Spec(), new SyntheticWorkload(), new NoStoppingPolicy(), tuner, new ExperimentOptions { MaxTrials = 3, Concurrency = 2 });

        var trials = (await _store.ListTrialsAsync(summary.ExperimentId)).Items;
        Assert.Equal(TrialStatus.Failed, trials[1].Status);
        Assert.Contains("synthetic failure", trials[1].Error, StringComparison.Ordinal);
        Assert.Equal(1, summary.Failed);
        Assert.Equal(2, summary.Completed);
        Assert.Equal(ExperimentStatus.Completed, summary.Status);
    }

    [Fact]
    public async Task RunAsync_Progress_CountsAndBestReported()
    {
        var progress = new SynchronousProgress<ExperimentProgress>();

        var summary = await Runner().RunAsync(Spec("""{"type":"patience","k":1}"""), new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 4, Concurrency = 2, Seed = 3 }, progress);

        var last = progress.Reports[^1];
        Assert.Equal(0, last.Running);
        Assert.Equal(summary.Completed, last.Completed);
        Assert.Equal(summary.StoppedEarly, last.Stopped);
        Assert.Equal(summary.EpochsUsed, last.EpochsUsed);
        Assert.Equal(summary.BestValue, last.BestValue);
        Assert.Equal(summary.EpochsUsed, progress.Reports.Count(p => p.LastDecision is not null));
    }

    [Fact]
    public async Task RunAsync_ConcurrencyTwo_TwoTrialsTrainAtOnce()
    {
        var progress = new SynchronousProgress<ExperimentProgress>();
        var workload = new SyntheticWorkload { Rendezvous = 2 };

        var summary = await Runner().RunAsync(Spec(), workload, new ExperimentOptions { MaxTrials = 4, Concurrency = 2 }, progress);

        Assert.Equal(4, summary.Completed);
        Assert.Contains(progress.Reports, p => p.Running == 2);
        Assert.All(progress.Reports, p => Assert.InRange(p.Running, 0, 2));
    }

    [Fact]
    public async Task RunAsync_CancelMidRunThenRestart_ResumesWithoutDuplicatesAndKeepsCompleted()
    {
        var configs = Enumerable.Range(1, 6).Select(i => SyntheticWorkload.Config(0.5 + (i / 20.0))).ToArray();
        using var cts = new CancellationTokenSource();
        var workload = new SyntheticWorkload();

        // Crash while the fourth configuration trains its fifth epoch (three trials done, others mid-way).
        workload.AfterEpoch = (q, epoch) =>
        {
            if (q == configs[3].GetDouble("quality") && epoch == 5)
            {
                cts.Cancel();
            }
        };
        var options = new ExperimentOptions { MaxTrials = 6, Concurrency = 2, LeaseDuration = TimeSpan.FromSeconds(30) };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner().RunAsync(Spec(), workload, new NoStoppingPolicy(), new ListTuner(configs), options, null, cts.Token));

        var experiment = (await _store.FindExperimentAsync("exp"))!;
        Assert.Equal(ExperimentStatus.Cancelled, experiment.Status);
        var before = (await _store.ListTrialsAsync(experiment.Id)).Items;
        var completedBefore = before.Where(t => t.Status == TrialStatus.Completed).ToArray();
        var interrupted = before.Where(t => t.Status == TrialStatus.Running).ToArray();
        Assert.NotEmpty(completedBefore);
        Assert.NotEmpty(interrupted);
        Assert.Contains(interrupted, t => t.LastEpoch > 0);

        // The crashed run's leases lapse; a restart on the same store picks the experiment up.
        _time.Advance(TimeSpan.FromSeconds(31));
        workload.AfterEpoch = null;
        var tuner = new ListTuner(configs);
        var summary = await Runner().RunAsync(Spec(), workload, new NoStoppingPolicy(), tuner, options);

        var after = (await _store.ListTrialsAsync(experiment.Id)).Items;
        Assert.Equal(ExperimentStatus.Completed, summary.Status);
        Assert.Equal([1, 2, 3, 4, 5, 6], after.Select(t => t.Number));
        Assert.Equal(configs.Select(c => c.ToJson()), after.Select(t => TrialParameters.FromJson(t.ParametersJson).ToJson()));
        Assert.All(after, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.All(after, t => Assert.Equal(MaxEpochs, t.LastEpoch));
        foreach (var done in completedBefore)
        {
            var now = after.Single(t => t.Id == done.Id);
            Assert.Equal(done.FinishedAt, now.FinishedAt);
            Assert.Equal(1, now.Attempt);
        }

        foreach (var cut in interrupted)
        {
            Assert.Equal(2, after.Single(t => t.Id == cut.Id).Attempt);
            Assert.Contains(workload.Starts, s => s.Quality == TrialParameters.FromJson(cut.ParametersJson).GetDouble("quality") && s.ResumeAfterEpoch == cut.LastEpoch);
        }

        Assert.Equal(6 * MaxEpochs, summary.EpochsUsed);
        foreach (var t in after)
        {
            Assert.Equal(Enumerable.Range(1, MaxEpochs), (await _store.GetDecisionsAsync(t.Id)).Select(d => d.Epoch));
        }

        Assert.Equal(completedBefore.Length, tuner.Updates.Count(u => completedBefore.Any(c => c.Number == u.TrialSettings.TrialId)));
    }

    [Fact]
    public async Task RunAsync_CrashBetweenObservationAndDecision_DecisionTakenOnResume()
    {
        var spec = Spec("""{"type":"patience","k":1}""");
        var e = await _store.CreateExperimentAsync(spec);
        var trial = await _store.CreateTrialAsync(e.Id, SyntheticWorkload.Config(0.6, plateau: 2).ToJson());
        var lease = await _store.ClaimTrialAsync(trial.Id, "crashed", TimeSpan.FromSeconds(30));
        double v1 = SyntheticWorkload.Value(0.6, 2, 1), v2 = SyntheticWorkload.Value(0.6, 2, 2);
        await _store.RecordObservationsAsync(lease, [(1, v1), (2, v2), (3, v2), (4, v2)]);
        foreach (int epoch in new[] { 1, 2, 3 })
        {
            await _store.RecordDecisionAsync(lease, new DecisionRecord(trial.Id, epoch, DecisionAction.Continue, "patience", null, null, null, null, "ok", _time.GetUtcNow()));
        }

        _time.Advance(TimeSpan.FromMinutes(5));
        var workload = new SyntheticWorkload();
        var summary = await Runner().RunAsync(spec, workload, new ExperimentOptions { MaxTrials = 1 });

        // Epoch 4 was recorded but not decided; patience(1) stops it there, without training again.
        var decisions = await _store.GetDecisionsAsync(trial.Id);
        Assert.Equal([1, 2, 3, 4], decisions.Select(d => d.Epoch));
        Assert.Equal(DecisionAction.Stop, decisions[^1].Action);
        Assert.Equal(TrialStatus.Stopped, (await _store.GetTrialAsync(trial.Id))!.Status);
        Assert.Empty(workload.Starts);
        Assert.Equal(4, summary.EpochsUsed);
    }

    [Fact]
    public async Task RunAsync_CompletedExperiment_ReturnsSummaryWithoutNewTrials()
    {
        var first = await Runner().RunAsync(Spec(), new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 2 });

        var again = await Runner().RunAsync(Spec(), new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 5 });

        Assert.Equal(first.Trials, again.Trials);
        Assert.Equal(first.EpochsUsed, again.EpochsUsed);
    }

    [Fact]
    public async Task RunAsync_ExistingNameOtherSpec_ThrowsNamingField()
    {
        await Runner().RunAsync(Spec(), new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 1 });

        var ex = await Assert.ThrowsAsync<HpoValidationException>(() => Runner().RunAsync(Spec("""{"type":"patience","k":3}"""), new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 1 }));

        Assert.Contains("PolicyJson", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DirectionDisagreesWithWorkload_ThrowsNamingDirection()
    {
        var ex = await Assert.ThrowsAsync<HpoValidationException>(() => Runner().RunAsync(Spec(direction: MetricDirection.Minimize), new SyntheticWorkload(higherIsBetter: true)));

        Assert.Contains("'Direction'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MinimisedLoss_BestIsSmallest()
    {
        var summary = await Runner().RunAsync(Spec(direction: MetricDirection.Minimize), new SyntheticWorkload(higherIsBetter: false), new ExperimentOptions { MaxTrials = 4, Seed = 2 });

        var trials = (await _store.ListTrialsAsync(summary.ExperimentId)).Items;
        Assert.Equal(trials.Min(t => t.BestValue), summary.BestValue);
    }

    [Theory]
    [InlineData(0, 20, "'Concurrency'")]
    [InlineData(1, 0, "'MaxTrials'")]
    public async Task RunAsync_BadOptions_ThrowsNamingOption(int concurrency, int maxTrials, string field)
    {
        var ex = await Assert.ThrowsAsync<HpoValidationException>(() => Runner().RunAsync(Spec(), new SyntheticWorkload(), new ExperimentOptions { Concurrency = concurrency, MaxTrials = maxTrials }));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }
}
