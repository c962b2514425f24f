using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Workloads;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Workers.Tests.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Workers.Tests.Executor;

public sealed class TrialExecutorTests
{
    private static readonly ExperimentSpec Spec = new(
        "executor", "score", MetricDirection.Maximize, 0, 1, 10, FailingWorkload.SearchSpaceJson, """{"type":"random"}""", """{"type":"none"}""", """{"workload":"failing"}""");

    [Fact]
    public async Task ExecuteAsync_HolderDiedAfterAnUndecidedEpoch_WaitsForItsLeaseThenDecidesAndResumesWithoutDuplicates()
    {
        var store = new InMemoryExperimentStore();
        var experiment = await store.CreateExperimentAsync(Spec);
        var trial = await store.CreateTrialAsync(experiment.Id, """{"x":0.5}""");

        // A worker that died after recording epoch 3 but before deciding it.
        var dead = await store.ClaimTrialAsync(trial.Id, "dead", TimeSpan.FromSeconds(1));
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            await store.RecordObservationAsync(dead, epoch, epoch / 10.0);
            if (epoch < 3)
            {
                await store.RecordDecisionAsync(dead, StoppingDecision.Continue("ok").ToRecord(trial.Id, epoch, "none", DateTimeOffset.UtcNow));
            }
        }

        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new SingleWorkload(new FailingWorkload(failAtEpoch: int.MaxValue)));
        var result = await executor.ExecuteAsync(trial.Id, new TrialExecutionOptions { WorkerId = "alive", LeaseDuration = TimeSpan.FromSeconds(1), HeartbeatInterval = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.Equal(2, result.Attempt);
        Assert.Equal(7, result.EpochsTrained);
        var curve = (await store.GetCurvesAsync([trial.Id]))[trial.Id];
        Assert.Equal(Enumerable.Range(1, 10), curve.Select(o => o.Epoch));
        Assert.Equal(Enumerable.Range(1, 10), (await store.GetDecisionsAsync(trial.Id)).Select(d => d.Epoch));
    }

    /// <summary>An in-memory experiment whose trial 1 was created claimed by worker "slot", and an executor of ten epochs.</summary>
    private static async Task<(InMemoryExperimentStore Store, ClaimedTrial Made, TrialExecutor Executor)> ClaimedBySlotAsync()
    {
        var store = new InMemoryExperimentStore();
        var experiment = await store.CreateExperimentAsync(Spec);
        var made = await store.TryCreateClaimedTrialAsync(experiment.Id, 1, ["""{"x":0.5}"""], 4, null, "slot", TimeSpan.FromSeconds(30));
        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new SingleWorkload(new FailingWorkload(failAtEpoch: int.MaxValue)));
        return (store, made!, executor);
    }

    [Fact]
    public async Task ExecuteAsync_TrialCreatedClaimed_RunsUnderThatLeaseWithoutClaimingAgain()
    {
        var (store, made, executor) = await ClaimedBySlotAsync();

        var result = await executor.ExecuteAsync(made, new TrialExecutionOptions { WorkerId = "slot" });

        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.Equal(1, result.Attempt);
        Assert.Equal(10, result.EpochsTrained);
        var trial = (await store.GetTrialAsync(made.Trial.Id))!;
        Assert.Equal((TrialStatus.Completed, 1, made.Lease.Token), (trial.Status, trial.Attempt, trial.LeaseToken ?? made.Lease.Token));
        Assert.Equal(Enumerable.Range(1, 10), (await store.GetDecisionsAsync(trial.Id)).Select(d => d.Epoch));
    }

    [Fact]
    public async Task ExecuteAsync_ClaimedTrialOfAnotherWorker_RefusesWithoutWriting()
    {
        var (store, made, executor) = await ClaimedBySlotAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => executor.ExecuteAsync(made, new TrialExecutionOptions { WorkerId = "another" }));

        Assert.Contains("'slot'", error.Message, StringComparison.Ordinal);
        Assert.Empty(await store.GetDecisionsAsync(made.Trial.Id));
    }

    [Fact]
    public async Task ExecuteAsync_TrialAlreadyFinished_WritesNothing()
    {
        var store = new InMemoryExperimentStore();
        var experiment = await store.CreateExperimentAsync(Spec);
        var trial = await store.CreateTrialAsync(experiment.Id, """{"x":0.5}""");
        var lease = await store.ClaimTrialAsync(trial.Id, "other", TimeSpan.FromSeconds(30));
        await store.FinishTrialAsync(lease, TrialStatus.Stopped, "done elsewhere");
        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new SingleWorkload(new FailingWorkload(failAtEpoch: 1)));

        var result = await executor.ExecuteAsync(trial.Id, new TrialExecutionOptions());

        Assert.Equal(TrialOutcome.AlreadyFinished, result.Outcome);
        Assert.True(result.TrialEnded);
        Assert.Equal(1, (await store.GetTrialAsync(trial.Id))!.Attempt);
    }

    [Fact]
    public async Task ExecuteAsync_WorkloadFailsBeforeTheFinalAttempt_LeavesTheTrialRunningForARetry()
    {
        var store = new InMemoryExperimentStore();
        var experiment = await store.CreateExperimentAsync(Spec);
        var trial = await store.CreateTrialAsync(experiment.Id, """{"x":0.5}""");
        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new SingleWorkload(new FailingWorkload(failAtEpoch: 2)));

        var result = await executor.ExecuteAsync(trial.Id, new TrialExecutionOptions { FinalAttempt = false });

        Assert.Equal(TrialOutcome.AttemptFailed, result.Outcome);
        Assert.Contains(FailingWorkload.Message, result.Detail, StringComparison.Ordinal);
        var stored = await store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Running, stored!.Status);
        Assert.Equal(1, stored.LastEpoch);
    }

    [Fact]
    public async Task ExecuteAsync_LeaseTakenOverWhileAnEpochTrains_EndsWithoutWritingThatEpoch()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new InMemoryExperimentStore(clock);
        var experiment = await store.CreateExperimentAsync(Spec);
        var trial = await store.CreateTrialAsync(experiment.Id, """{"x":0.5}""");
        var workload = new GatedWorkload(blockAtEpoch: 3);
        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new SingleWorkload(workload));
        var run = executor.ExecuteAsync(trial.Id, new TrialExecutionOptions { WorkerId = "frozen", LeaseDuration = TimeSpan.FromSeconds(30), HeartbeatInterval = TimeSpan.FromSeconds(20) });

        // The worker is stuck in epoch 3 long enough (on the store's clock) for its lease to lapse and be taken over.
        await workload.Blocked;
        clock.Advance(TimeSpan.FromMinutes(1));
        var takeover = await store.ClaimTrialAsync(trial.Id, "other", TimeSpan.FromSeconds(30));
        workload.Release();
        var result = await run;

        Assert.Equal(TrialOutcome.LeaseLost, result.Outcome);
        Assert.Equal([1, 2], (await store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
        Assert.Equal([1, 2], (await store.GetDecisionsAsync(trial.Id)).Select(d => d.Epoch));
        var stored = await store.GetTrialAsync(trial.Id);
        Assert.Equal(TrialStatus.Running, stored!.Status);
        Assert.Equal(takeover.Token, stored.LeaseToken);
    }

    [Fact]
    public async Task ExecuteAsync_TwoOutagesEachShorterThanMaxOutage_RidesBothOutUnderOneLease()
    {
        var (store, database) = OutageStore.Wrap(new InMemoryExperimentStore());
        var experiment = await store.CreateExperimentAsync(Spec);
        var trial = await store.CreateTrialAsync(experiment.Id, """{"x":0.5}""");

        // Half-second outages at epochs 3 and 8, with more than the one-second allowance of normal work between
        // them: each is short enough to ride out, but not if the second were counted from the start of the first.
        var outageAt = new HashSet<int> { 3, 8 };
        var workload = new HookedWorkload(TimeSpan.FromMilliseconds(300), epoch =>
        {
            lock (outageAt)
            {
                if (outageAt.Remove(epoch))
                {
                    database.GoDown(TimeSpan.FromMilliseconds(500));
                }
            }
        });
        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new SingleWorkload(workload));

        var result = await executor.ExecuteAsync(trial.Id, new TrialExecutionOptions { WorkerId = "w", LeaseDuration = TimeSpan.FromSeconds(10), HeartbeatInterval = TimeSpan.FromSeconds(3), MaxOutage = TimeSpan.FromSeconds(1) });

        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.Equal(1, result.Attempt);
        Assert.Empty(outageAt);
        Assert.True(database.Failures >= 2, $"{database.Failures} calls failed; both outages should have hit the trial.");
        Assert.Equal(Enumerable.Range(1, 10), (await store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
        Assert.Equal(Enumerable.Range(1, 10), (await store.GetDecisionsAsync(trial.Id)).Select(d => d.Epoch));
    }

    /// <summary>Epochs that take a while and call <c>onEpoch</c> as each one ends.</summary>
    private sealed class HookedWorkload(TimeSpan epochTime, Action<int> onEpoch) : IWorkload
    {
        public string Name => "hooked";

        public string MetricName => "score";

        public bool HigherIsBetter => true;

        public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
            Task.FromResult<IWorkloadRun>(new Run(epochTime, onEpoch));

        private sealed class Run(TimeSpan epochTime, Action<int> onEpoch) : IWorkloadRun
        {
            public async Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
            {
                await Task.Delay(epochTime, cancellationToken);
                onEpoch(epoch);
                return epoch / 10.0;
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class GatedWorkload(int blockAtEpoch) : IWorkload
    {
        private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Blocked => _blocked.Task;

        public string Name => "gated";

        public string MetricName => "score";

        public bool HigherIsBetter => true;

        public void Release() => _gate.SetResult();

        public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
            Task.FromResult<IWorkloadRun>(new Run(this));

        private sealed class Run(GatedWorkload owner) : IWorkloadRun
        {
            public async Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
            {
                if (epoch == owner.BlockAt)
                {
                    owner._blocked.SetResult();
                    await owner._gate.Task;
                }

                return epoch / 10.0;
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }

        private int BlockAt => blockAtEpoch;
    }

    [Fact]
    public async Task ExecuteAsync_PausedTrial_OnlyTheExecutionChosenToResumeItClaimsIt()
    {
        var store = new InMemoryExperimentStore();
        var spec = FleetHarness.LcBenchSpec("paused", trials: 1, concurrency: 1, """{"type":"none"}""", epochDelayMs: 0);
        var experiment = await store.CreateExperimentAsync(spec);
        using var workload = new Hpo.Workloads.LcBench.LcBenchWorkload(FleetHarness.Surrogate, "3945");
        var (trial, parameters) = await FleetHarness.CreatePausedTrialAsync(store, experiment, workload, epochs: 2);
        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new SingleWorkload(workload));

        // A stray job (no choice) and a stale one (made for another attempt) leave it paused, unclaimed.
        foreach (int? resumeOf in new int?[] { null, 0 })
        {
            var left = await executor.ExecuteAsync(trial.Id, new TrialExecutionOptions { WorkerId = "stray", ResumeOfAttempt = resumeOf });
            Assert.Equal(TrialOutcome.LeftPaused, left.Outcome);
            Assert.False(left.TrialEnded);
            var untouched = await store.GetTrialAsync(trial.Id);
            Assert.Equal((TrialStatus.Paused, 1, "first"), (untouched!.Status, untouched.Attempt, untouched.WorkerId));
        }

        // The job made for the slot policy's choice claims it while it is still paused (its advance died before the
        // requeue) and continues the curve after epoch 2.
        var resumed = await executor.ExecuteAsync(trial.Id, new TrialExecutionOptions { WorkerId = "chosen", ResumeOfAttempt = 1 });
        Assert.Equal(TrialOutcome.Completed, resumed.Outcome);
        Assert.Equal(2, resumed.Attempt);
        Assert.Equal(50, resumed.EpochsTrained);
        var curve = (await store.GetCurvesAsync([trial.Id]))[trial.Id];
        Assert.Equal(Enumerable.Range(1, 52), curve.Select(o => o.Epoch));
        await using var uninterrupted = await workload.StartAsync(parameters, seed: 1);
        for (int epoch = 1; epoch <= 52; epoch++)
        {
            Assert.Equal(await uninterrupted.TrainEpochAsync(epoch), curve[epoch - 1].Value);
        }
    }

    private sealed class SingleWorkload(IWorkload workload) : IWorkloadProvider
    {
        public IWorkload GetWorkload(ExperimentRecord experiment) => workload;
    }
}
