using Hpo.Workloads;
using System.Diagnostics;
using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Tuning;
using Hpo.Scheduler.Workloads;
using Hpo.Testing;
using Hpo.Workers.Hosting;
using Hpo.Workers.Jobs;
using Hpo.Workers.Leasing;
using Hpo.Workers.Submission;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Hpo.Workers.Tests.Fleet;

public sealed class FleetTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Fleet_TwoInProcessServers_RunsExperimentToCompletion()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var a = FleetHarness.Worker(db.ConnectionString, "server-a", output: output);
        await using var b = FleetHarness.Worker(db.ConnectionString, "server-b", output: output);
        await FleetHarness.PrepareAsync(a);
        var spec = FleetHarness.LcBenchSpec("two-servers", trials: 8, concurrency: 4, """{"type":"asha","eta":3,"minResource":4}""", epochDelayMs: 10);
        var (experiment, enqueued) = await a.GetRequiredService<ExperimentSubmitter>().SubmitAsync(spec);
        Assert.Equal(4, enqueued.Count);

        var watch = Stopwatch.StartNew();
        var serverA = a.GetRequiredService<HpoWorkerService>();
        var serverB = b.GetRequiredService<HpoWorkerService>();
        await serverA.StartAsync(CancellationToken.None);
        await serverB.StartAsync(CancellationToken.None);
        try
        {
            await FleetHarness.WaitCompletedAsync(a.GetRequiredService<IExperimentStore>(), experiment.Id, TimeSpan.FromSeconds(120));
        }
        finally
        {
            await serverA.StopAsync(CancellationToken.None);
            await serverB.StopAsync(CancellationToken.None);
        }

        var audit = await FleetHarness.AuditAsync(db.ConnectionString, experiment.Id);
        output.WriteLine($"{audit} in {watch.Elapsed.TotalSeconds:F1} s");
        FleetHarness.AssertIntact(audit, expectedTrials: 8);
        Assert.Equal(2, audit.Workers);
        Assert.Equal(0, audit.Failed);
        Assert.True(audit.Completed >= 1, "ASHA keeps at least the best trial of each rung to the end.");
    }

    [PostgresFact]
    public async Task Fleet_AshaPromote_PausedTrialsResumeAsNewJobsWithoutGapsOrRepeats()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var a = FleetHarness.Worker(db.ConnectionString, "promote-a", output: output);
        await using var b = FleetHarness.Worker(db.ConnectionString, "promote-b", output: output);
        await FleetHarness.PrepareAsync(a);
        var spec = FleetHarness.LcBenchSpec("promote", trials: 9, concurrency: 3, """{"type":"asha-promote","eta":3,"minResource":4}""", epochDelayMs: 5);
        var (experiment, _) = await a.GetRequiredService<ExperimentSubmitter>().SubmitAsync(spec);
        var serverA = a.GetRequiredService<HpoWorkerService>();
        var serverB = b.GetRequiredService<HpoWorkerService>();
        await serverA.StartAsync(CancellationToken.None);
        await serverB.StartAsync(CancellationToken.None);
        try
        {
            await FleetHarness.WaitCompletedAsync(a.GetRequiredService<IExperimentStore>(), experiment.Id, TimeSpan.FromSeconds(180));
        }
        finally
        {
            await serverA.StopAsync(CancellationToken.None);
            await serverB.StopAsync(CancellationToken.None);
        }

        var audit = await FleetHarness.AuditAsync(db.ConnectionString, experiment.Id);
        output.WriteLine(audit.ToString());
        FleetHarness.AssertIntact(audit, expectedTrials: 9);
        Assert.Equal(0, audit.Failed);
        Assert.Equal(9, audit.Completed + audit.Stopped);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var resumed = new NpgsqlCommand(
            """
            SELECT COUNT(DISTINCT d.trial_id) FROM decisions d JOIN trials t ON t.id = d.trial_id
            WHERE t.experiment_id = @e AND d.action = 'Pause' AND t.last_epoch > d.epoch
            """,
            connection);
        resumed.Parameters.AddWithValue("e", experiment.Id);
        long count = (long)(await resumed.ExecuteScalarAsync())!;
        output.WriteLine($"{count} trial(s) resumed after a pause");
        Assert.True(count >= 1, "No paused trial was resumed.");
    }

    [PostgresFact]
    public async Task TrialJob_WorkloadThrows_FailedAfterConfiguredAttemptsWithErrorKept()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var registry = BuiltInWorkloads.CreateRegistry().Register(FailingWorkload.TypeName, _ => new FailingWorkload(failAtEpoch: 3));
        await using var worker = FleetHarness.Worker(db.ConnectionString, "failing", o => o.RetryAttempts = 1, registry, output);
        await FleetHarness.PrepareAsync(worker);
        var spec = new ExperimentSpec(
            "failing", "score", MetricDirection.Maximize, 0, 1, 10, FailingWorkload.SearchSpaceJson, """{"type":"random"}""", """{"type":"none"}""",
            $$$"""{"maxTrials":1,"concurrency":1,"workload":{"type":"{{{FailingWorkload.TypeName}}}"}}""");
        var (experiment, enqueued) = await worker.GetRequiredService<ExperimentSubmitter>().SubmitAsync(spec);
        await FleetHarness.RunToCompletionAsync(worker, experiment.Id, TimeSpan.FromSeconds(60));

        var trial = await worker.GetRequiredService<IExperimentStore>().GetTrialAsync(enqueued[0].Id);
        Assert.NotNull(trial);
        Assert.Equal(TrialStatus.Failed, trial.Status);
        Assert.Contains(FailingWorkload.Message, trial.Error, StringComparison.Ordinal);
        Assert.Equal(2, trial.Attempt);
        Assert.Equal(2, trial.LastEpoch);

        // Both attempts ran: the second resumed after the two epochs the first recorded, none twice.
        var audit = await FleetHarness.AuditAsync(db.ConnectionString, experiment.Id);
        Assert.Equal(2, audit.Observations);
        Assert.Equal(0, audit.DuplicateObservations);
        Assert.Equal(["Failed"], await HangfireStatesAsync(db.ConnectionString, "TrialJob"));
    }

    [PostgresFact]
    public async Task TrialJob_TrialEnds_SlotRunsTheNextTrialInTheSameJob()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var worker = FleetHarness.Worker(db.ConnectionString, "chain", output: output);
        await FleetHarness.PrepareAsync(worker);
        var store = worker.GetRequiredService<IExperimentStore>();
        var spec = FleetHarness.LcBenchSpec("chain", trials: 4, concurrency: 1, """{"type":"none"}""", epochDelayMs: 0);
        var (experiment, _) = await worker.GetRequiredService<ExperimentSubmitter>().SubmitAsync(spec);
        await FleetHarness.RunToCompletionAsync(worker, experiment.Id, TimeSpan.FromSeconds(60));

        FleetHarness.AssertIntact(await FleetHarness.AuditAsync(db.ConnectionString, experiment.Id), expectedTrials: 4);

        // The job submit enqueued ran all four trials one after another: no job per trial, no advance job.
        Assert.Equal(["Succeeded"], await HangfireStatesAsync(db.ConnectionString, "TrialJob"));
        Assert.Empty(await HangfireStatesAsync(db.ConnectionString, "ExperimentJob"));
    }

    [PostgresFact]
    public async Task TrialJob_ChainedTrialFails_RetriedAsItsOwnJobWithinTheSameAttempts()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var registry = BuiltInWorkloads.CreateRegistry().Register(FailingWorkload.TypeName, _ => new FailingWorkload(failAtEpoch: 3, healthyStarts: 1));
        await using var worker = FleetHarness.Worker(db.ConnectionString, "chain-failing", o => o.RetryAttempts = 1, registry, output);
        await FleetHarness.PrepareAsync(worker);
        var store = worker.GetRequiredService<IExperimentStore>();
        var spec = new ExperimentSpec(
            "chain-failing", "score", MetricDirection.Maximize, 0, 1, 5, FailingWorkload.SearchSpaceJson, """{"type":"random"}""", """{"type":"none"}""",
            $$$"""{"maxTrials":2,"concurrency":1,"workload":{"type":"{{{FailingWorkload.TypeName}}}"}}""");
        var (experiment, _) = await worker.GetRequiredService<ExperimentSubmitter>().SubmitAsync(spec);
        await FleetHarness.RunToCompletionAsync(worker, experiment.Id, TimeSpan.FromSeconds(60));

        var trials = (await store.ListTrialsAsync(experiment.Id, 1, 10)).Items.OrderBy(t => t.Number).ToList();
        Assert.Equal([TrialStatus.Completed, TrialStatus.Failed], trials.Select(t => t.Status));

        // Trial 2 ran chained in trial 1's job (attempt 1), then once more in a job of its own: 1 + RetryAttempts in all.
        Assert.Equal(2, trials[1].Attempt);
        Assert.Contains(FailingWorkload.Message, trials[1].Error, StringComparison.Ordinal);
        Assert.Equal(["Succeeded", "Failed"], await HangfireStatesAsync(db.ConnectionString, "TrialJob"));
    }

    [PostgresFact]
    public async Task TrialJob_RerunAfterDyingInAChainedTrial_RunsThatTrial()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var worker = FleetHarness.Worker(db.ConnectionString, "chain-rerun", output: output);
        await FleetHarness.PrepareAsync(worker);
        var store = worker.GetRequiredService<IExperimentStore>();
        var spec = FleetHarness.LcBenchSpec("chain-rerun", trials: 2, concurrency: 1, """{"type":"none"}""", epochDelayMs: 0);
        var (experiment, enqueued) = await worker.GetRequiredService<ExperimentSubmitter>().SubmitAsync(spec);

        // What a job leaves when its process dies in a chained trial: its own trial ended, the next one created by its
        // advance (no job of its own) with the job's id; Hangfire then hands the job out again.
        var first = await worker.GetRequiredService<Hpo.Scheduler.Experiments.TrialExecutor>().ExecuteAsync(
            enqueued[0].Id, new Hpo.Scheduler.Experiments.TrialExecutionOptions { WorkerId = "died" });
        Assert.True(first.TrialEnded);
        string jobId;
        await using (var db2 = new NpgsqlConnection(db.ConnectionString))
        {
            await db2.OpenAsync();
            await using var job = new NpgsqlCommand("SELECT id FROM hangfire.job WHERE invocationdata::text LIKE '%TrialJob%'", db2);
            jobId = Convert.ToString(await job.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
        }

        var next = Assert.Single(await worker.GetRequiredService<ExperimentAdvancer>().AdvanceAsync(experiment.Id, runHere: _ => true, runnerJob: jobId));
        Assert.Equal(next.Id, await store.FindRunnerJobTrialAsync(enqueued[0].Id, jobId));

        // Well before the sweeper would find trial 2 orphaned (30 s in these settings).
        await FleetHarness.RunToCompletionAsync(worker, experiment.Id, TimeSpan.FromSeconds(20));

        FleetHarness.AssertIntact(await FleetHarness.AuditAsync(db.ConnectionString, experiment.Id), expectedTrials: 2);
        Assert.Equal(TrialStatus.Completed, (await store.GetTrialAsync(next.Id))!.Status);
        Assert.Equal(["Succeeded"], await HangfireStatesAsync(db.ConnectionString, "TrialJob"));
    }

    [PostgresFact]
    public async Task ResumeJob_AdvanceDiedBeforeTheRequeue_ResumesThePausedTrialWhileAStrayJobLeavesIt()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var worker = FleetHarness.Worker(db.ConnectionString, "resume", output: output);
        await FleetHarness.PrepareAsync(worker);
        var store = worker.GetRequiredService<IExperimentStore>();
        var experiment = await store.CreateExperimentAsync(FleetHarness.LcBenchSpec("resume", trials: 1, concurrency: 1, """{"type":"asha-promote"}""", epochDelayMs: 0));
        using var workload = new Hpo.Workloads.LcBench.LcBenchWorkload(FleetHarness.Surrogate, "3945");
        var (trial, _) = await FleetHarness.CreatePausedTrialAsync(store, experiment, workload, epochs: 2);
        var jobs = worker.GetRequiredService<HpoJobClient>();

        // A stray job for the paused trial (e.g. Hangfire running the job that paused it once more) must not resume it.
        jobs.EnqueueTrial(trial.Id);
        var service = worker.GetRequiredService<HpoWorkerService>();
        await service.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(async () => (await HangfireStatesAsync(db.ConnectionString, "TrialJob")).SequenceEqual(["Succeeded"]), TimeSpan.FromSeconds(20));
            var left = await store.GetTrialAsync(trial.Id);
            Assert.Equal((TrialStatus.Paused, 1), (left!.Status, left.Attempt));

            // The advance chose to resume it and enqueued its job, then died before requeuing it: the job resumes it anyway.
            jobs.EnqueueResume(trial.Id, attempt: 1);
            await WaitForAsync(async () => (await store.GetTrialAsync(trial.Id))!.IsTerminal, TimeSpan.FromSeconds(20));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        var resumed = await store.GetTrialAsync(trial.Id);
        Assert.Equal(2, resumed!.Attempt);
        Assert.Equal(Enumerable.Range(1, resumed.LastEpoch), (await store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Epoch));
        Assert.True(resumed.LastEpoch > 2, $"The resumed trial ended at epoch {resumed.LastEpoch}.");
    }

    [PostgresFact]
    public async Task AdvanceAsync_ManyConcurrentCalls_CreatesEachTrialOnceWithItsProposal()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "advancer");
        await FleetHarness.PrepareAsync(provider);
        var store = provider.GetRequiredService<IExperimentStore>();
        var spec = FleetHarness.LcBenchSpec("advance-race", trials: 6, concurrency: 6, """{"type":"none"}""", epochDelayMs: 0, seed: 7);
        var experiment = await store.CreateExperimentAsync(spec);

        // Proposals follow the spec as stored (PostgreSQL's jsonb orders its keys), which every advancer reads alike.
        var stored = experiment.Spec;
        var advancer = provider.GetRequiredService<ExperimentAdvancer>();

        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => advancer.AdvanceAsync(experiment.Id))));

        Assert.Equal(6, created.Sum(c => c.Count));
        var trials = (await store.ListTrialsAsync(experiment.Id, 1, 100)).Items;
        Assert.Equal([1, 2, 3, 4, 5, 6], trials.Select(t => t.Number).Order());
        var tuner = new TunerFactory().Create(stored.TunerJson, SearchSpace.FromJson(stored.SearchSpaceJson), 7);
        foreach (var trial in trials)
        {
            var proposal = tuner.Propose(new TrialSettings { TrialId = trial.Number });
            Assert.Equal(proposal.ToJson(), TrialParameters.FromJson(trial.ParametersJson).ToJson());
        }

        Assert.Equal(6, (await HangfireStatesAsync(db.ConnectionString, "TrialJob")).Count);
    }

    [PostgresFact]
    public async Task AdvanceAsync_ForTheSlotWhoseTrialEnded_FillsThatSlotOnlyWithoutAJob()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "advancer");
        await FleetHarness.PrepareAsync(provider);
        var store = provider.GetRequiredService<IExperimentStore>();
        var experiment = await store.CreateExperimentAsync(FleetHarness.LcBenchSpec("advance-own-slot", trials: 10, concurrency: 4, """{"type":"none"}""", epochDelayMs: 0));
        var advancer = provider.GetRequiredService<ExperimentAdvancer>();

        // Four free slots: a slot's advance takes one trial for itself and leaves the others to their own slots' advances,
        // so nothing goes through the queue; a plain advance (submit, a failed trial's, the sweep's) fills the rest.
        var own = await advancer.AdvanceAsync(experiment.Id, runHere: _ => true);
        var rest = await advancer.AdvanceAsync(experiment.Id);

        Assert.Equal([1], own.Select(t => t.Number));
        Assert.Equal([2, 3, 4], rest.Select(t => t.Number));
        Assert.Equal(3, (await HangfireStatesAsync(db.ConnectionString, "TrialJob")).Count);
    }

    [PostgresFact]
    public async Task AdvanceAsync_SlotOfAStoppingOnlyExperimentWhileTheLockIsHeld_FillsItsSlotWithoutTheLock()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "advancer");
        await FleetHarness.PrepareAsync(provider);
        var store = provider.GetRequiredService<IExperimentStore>();
        var experiment = await store.CreateExperimentAsync(FleetHarness.LcBenchSpec("advance-lock-free", trials: 10, concurrency: 2, """{"type":"median"}""", epochDelayMs: 0));
        var advancer = provider.GetRequiredService<ExperimentAdvancer>();
        var first = await advancer.AdvanceAsync(experiment.Id);
        await FinishAsync(store, first[0]);

        // Another advance holds the experiment's lock (a plain advance, or a freeze-thaw slot choosing what to resume): a
        // slot replacing its own trial does not wait for it, since its creation is conditional on the counts it read.
        await using var holder = new NpgsqlConnection(db.ConnectionString);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKeys.AdvanceClass}, {LockKeys.Experiment(experiment.Id)})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var own = await advancer.AdvanceAsync(experiment.Id, runHere: _ => true, cancellationToken: timeout.Token);

        Assert.Equal([3], own.Select(t => t.Number));
        Assert.Equal(2, (await store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false)).Unfinished);
    }

    [PostgresFact]
    public async Task AdvanceAsync_SlotOfAnExperimentSeenRunning_FillsWithoutReadingTheExperimentAndStopsOnceCancelled()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "advancer");
        var (inner, counter, advancer) = await CountingAdvancerAsync(provider);
        var experiment = await inner.CreateExperimentAsync(FleetHarness.LcBenchSpec("advance-known", trials: 10, concurrency: 2, """{"type":"median"}""", epochDelayMs: 0));
        var first = await advancer.AdvanceAsync(experiment.Id);
        Assert.Equal(2, first.Count);

        // The advance above saw the experiment Running: a slot's advance now needs only the counts and the creation.
        await FinishAsync(inner, first[0]);
        counter.Reset();
        var own = await advancer.AdvanceAsync(experiment.Id, runHere: _ => true);
        Assert.Equal([3], own.Select(t => t.Number));
        Assert.False(counter.Calls.ContainsKey(nameof(IExperimentStore.GetExperimentAsync)), string.Join(", ", counter.Calls));
        Assert.Equal(1, counter.Calls[nameof(IExperimentStore.TryCreateTrialAsync)]);

        // What this process remembers must not outlive a cancellation: the store refuses the creation and nothing is made.
        await inner.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Cancelled);
        await FinishAsync(inner, first[1]);
        var afterCancel = await advancer.AdvanceAsync(experiment.Id, runHere: _ => true);
        Assert.Empty(afterCancel);
        Assert.Equal(3, (await inner.GetTrialSlotsAsync(experiment.Id, includeEpochs: false)).Trials);
    }

    [PostgresFact]
    public async Task AdvanceAsync_SlotWithAClaimAndAStaleCount_CreatesTheNextNumberClaimedWithItsProposalInOneStoreCall()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "advancer");
        var (inner, counter, advancer) = await CountingAdvancerAsync(provider);
        var spec = FleetHarness.LcBenchSpec("advance-claimed", trials: 20, concurrency: 3, """{"type":"median"}""", epochDelayMs: 0, seed: 5);
        var experiment = await inner.CreateExperimentAsync(spec);
        // The tuner the advancer builds, from the spec as stored (PostgreSQL's jsonb orders the search space's keys).
        var stored = (await inner.GetExperimentAsync(experiment.Id))!.Spec;
        var tuner = provider.GetRequiredService<TunerFactory>().Create(stored.TunerJson, SearchSpace.FromJson(stored.SearchSpaceJson), Scheduler.Experiments.ExperimentOptions.FromSettingsJson(stored.SettingsJson).Seed);
        string Proposal(int number) => tuner.Propose(new TrialSettings { TrialId = number }).ToJson();
        var claim = new SlotClaim("slot-worker", TimeSpan.FromMinutes(1));
        var first = await advancer.AdvanceAsync(experiment.Id);
        AssertJson(Proposal(1), first[0].ParametersJson);
        await FinishAsync(inner, first[0]);

        // The slot's first fill reads the count, then creates trial 4 claimed for its worker, with the lease handed over.
        TrialLease? handed = null;
        var own = Assert.Single(await advancer.AdvanceAsync(experiment.Id, (t, lease) => (handed = lease) is not null, "job-1", claim));
        Assert.Equal((4, TrialStatus.Running, 1, "slot-worker"), (own.Number, own.Status, own.Attempt, own.WorkerId));
        Assert.Equal(own.LeaseToken, handed?.Token);
        AssertJson(Proposal(4), own.ParametersJson);

        // Another process fills two slots meanwhile (trials 5 and 6): this one still believes the count is 4. Its window
        // takes trial 7 with the proposal for 7, in one store call and no count read.
        await FinishAsync(inner, first[1]);
        await FinishAsync(inner, first[2]);
        Assert.Equal([5, 6], (await NewAdvancer(provider, inner).AdvanceAsync(experiment.Id)).Select(t => t.Number));
        await inner.FinishTrialAsync(handed!, TrialStatus.Completed);
        counter.Reset();
        var next = Assert.Single(await advancer.AdvanceAsync(experiment.Id, (_, lease) => lease is not null, "job-1", claim));

        Assert.Equal(7, next.Number);
        AssertJson(Proposal(7), next.ParametersJson);
        Assert.Equal(new Dictionary<string, int> { [nameof(IExperimentStore.TryCreateClaimedTrialAsync)] = 1 }, counter.Calls);
        Assert.Equal(3, (await inner.GetTrialSlotsAsync(experiment.Id, includeEpochs: false)).Unfinished);
    }

    /// <summary>An advancer of <paramref name="provider"/>'s fleet over <paramref name="store"/> (a counting wrapper, or another process's view).</summary>
    private static ExperimentAdvancer NewAdvancer(IServiceProvider provider, IExperimentStore store) => new(
        store,
        provider.GetRequiredService<TunerFactory>(),
        provider.GetRequiredService<Scheduler.Stopping.StoppingPolicyFactory>(),
        provider.GetRequiredService<HangfireFleet>(),
        provider.GetRequiredService<HpoJobClient>(),
        TimeProvider.System,
        Microsoft.Extensions.Logging.Abstractions.NullLogger<ExperimentAdvancer>.Instance);

    /// <summary>The fleet's store, prepared, and an advancer over a counting wrapper of it.</summary>
    private static async Task<(IExperimentStore Inner, Deciding.CountingStore Counter, ExperimentAdvancer Advancer)> CountingAdvancerAsync(ServiceProvider provider)
    {
        await FleetHarness.PrepareAsync(provider);
        var inner = provider.GetRequiredService<IExperimentStore>();
        var (store, counter) = Deciding.CountingStore.Wrap(inner);
        return (inner, counter, NewAdvancer(provider, store));
    }

    private static void AssertJson(string expected, string actual) =>
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(expected), System.Text.Json.Nodes.JsonNode.Parse(actual)), $"{expected} != {actual}");

    [PostgresFact]
    public async Task AdvanceAsync_SlotsAndPlainAdvancesRacingToTheEnd_DenseProposalsConcurrencyKeptAndCompleted()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "advancer");
        await FleetHarness.PrepareAsync(provider);
        var store = provider.GetRequiredService<IExperimentStore>();
        const int Trials = 60;
        const int Concurrency = 3;
        var experiment = await store.CreateExperimentAsync(FleetHarness.LcBenchSpec("advance-race-slots", Trials, Concurrency, """{"type":"median"}""", epochDelayMs: 0, seed: 11));
        var advancer = provider.GetRequiredService<ExperimentAdvancer>();
        var initial = await advancer.AdvanceAsync(experiment.Id);
        Assert.Equal(Concurrency, initial.Count);

        // Eight slots for three places: each ends the trial it holds and advances for itself, losing races to the others,
        // while plain advances (under the lock) run beside them. Every count read must respect the concurrency.
        var unfinishedSeen = new System.Collections.Concurrent.ConcurrentBag<int>();
        var queue = new System.Collections.Concurrent.ConcurrentQueue<TrialRecord>(initial);
        async Task SlotAsync()
        {
            while (queue.TryDequeue(out var trial))
            {
                await FinishAsync(store, trial);
                var next = await advancer.AdvanceAsync(experiment.Id, runHere: _ => true);
                unfinishedSeen.Add((await store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false)).Unfinished);
                foreach (var created in next)
                {
                    queue.Enqueue(created);
                }
            }
        }

        async Task PlainAsync()
        {
            for (int i = 0; i < 10; i++)
            {
                foreach (var created in await advancer.AdvanceAsync(experiment.Id))
                {
                    queue.Enqueue(created);
                }

                await Task.Delay(5);
            }
        }

        // Slots start once each has a trial to end; those left without one end at once, as a slot whose advance found no room.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(SlotAsync)).Append(Task.Run(PlainAsync)));
        while (queue.TryDequeue(out var left))
        {
            await FinishAsync(store, left);
            foreach (var created in await advancer.AdvanceAsync(experiment.Id, runHere: _ => true))
            {
                queue.Enqueue(created);
            }
        }

        await advancer.AdvanceAsync(experiment.Id);
        var trials = (await store.ListTrialsAsync(experiment.Id, 1, 100)).Items;
        Assert.Equal(Enumerable.Range(1, Trials), trials.Select(t => t.Number).Order());
        var stored = experiment.Spec;
        var tuner = new TunerFactory().Create(stored.TunerJson, SearchSpace.FromJson(stored.SearchSpaceJson), 11);
        foreach (var trial in trials)
        {
            Assert.Equal(tuner.Propose(new TrialSettings { TrialId = trial.Number }).ToJson(), TrialParameters.FromJson(trial.ParametersJson).ToJson());
        }

        Assert.All(unfinishedSeen, u => Assert.InRange(u, 0, Concurrency));
        Assert.Equal(ExperimentStatus.Completed, (await store.GetExperimentAsync(experiment.Id))!.Status);
    }

    private static async Task FinishAsync(IExperimentStore store, TrialRecord trial)
    {
        var lease = await store.ClaimTrialAsync(trial.Id, "test-slot", TimeSpan.FromMinutes(1));
        await store.FinishTrialAsync(lease, TrialStatus.Completed);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within {timeout.TotalSeconds} s.");
            await Task.Delay(200);
        }
    }

    private static async Task<List<string>> HangfireStatesAsync(string connection, string jobType)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT statename FROM hangfire.job WHERE invocationdata::text LIKE @t ORDER BY id", db);
        command.Parameters.AddWithValue("t", $"%{jobType}%");
        var states = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add(reader.GetString(0));
        }

        return states;
    }
}
