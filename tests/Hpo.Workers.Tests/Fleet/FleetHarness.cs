using Hpo.Workloads.DependencyInjection;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Storage.Configuration;
using Hpo.Storage.Schema;
using Hpo.Workers.Hosting;
using Hpo.Workers.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Hpo.Workers.Tests.Fleet;

/// <summary>Builds in-process workers over a test database and checks what a run left in the store.</summary>
internal static class FleetHarness
{
    /// <summary>The repository root (the folder with Hpo.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The YAHPO LCBench surrogate folder next to the repository.</summary>
    public static string Surrogate => Path.GetFullPath(Path.Combine(RepoRoot, "data", "yahpo-lcbench"));

    /// <summary>Fast fleet settings: leases of seconds so takeovers happen within a test.</summary>
    public static void Fast(HpoWorkerOptions o, string name)
    {
        o.WorkerName = name;
        o.Concurrency = 2;
        o.LeaseDuration = TimeSpan.FromSeconds(3);
        o.HeartbeatInterval = TimeSpan.FromSeconds(1);
        o.InvisibilityTimeout = TimeSpan.FromSeconds(3);
        o.PollInterval = TimeSpan.FromMilliseconds(500);
        o.RetryDelay = TimeSpan.FromSeconds(1);
        o.SweepInterval = TimeSpan.FromSeconds(5);
        o.OrphanedPendingAfter = TimeSpan.FromSeconds(30);
        o.ShutdownTimeout = TimeSpan.FromSeconds(5);
        o.PrepareHangfireSchema = true;
    }

    /// <summary>A provider for one in-process worker (its hosted service is started by the caller).</summary>
    public static ServiceProvider Worker(string connection, string name, Action<HpoWorkerOptions>? adjust = null, WorkloadRegistry? registry = null, ITestOutputHelper? output = null)
    {
        var services = new ServiceCollection();
        if (output is not null)
        {
            services.AddLogging(b => b.AddProvider(new TestOutputLoggerProvider(output, name)));
        }

        if (registry is not null)
        {
            services.AddSingleton(registry);
        }

        services.AddHpoStorage(o =>
        {
            o.Connection = connection;
            o.MigrateOnStart = true;
        });
        services.AddHpoWorkloads();
        services.AddHpoWorkers(o =>
        {
            Fast(o, name);
            adjust?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>Migrates the Hpo schema and prepares Hangfire's, once, before several workers start.</summary>
    public static async Task PrepareAsync(ServiceProvider provider)
    {
        await provider.GetRequiredService<HpoDatabase>().MigrateAsync();
        _ = provider.GetRequiredService<HangfireFleet>().Storage;
    }

    /// <summary>An LCBench surrogate experiment.</summary>
    public static ExperimentSpec LcBenchSpec(string name, int trials, int concurrency, string policyJson, int epochDelayMs, int seed = 1)
    {
        using var workload = new Hpo.Workloads.LcBench.LcBenchWorkload(Surrogate, "3945");
        var settings = new JsonObject
        {
            ["maxTrials"] = trials,
            ["concurrency"] = concurrency,
            ["seed"] = seed,
            [ExperimentWorkloadSettings.WorkloadField] = new JsonObject { ["type"] = "lcbench", ["surrogate"] = Surrogate, ["task"] = "3945" },
            [ExperimentWorkloadSettings.EpochDelayField] = epochDelayMs,
        };
        return new ExperimentSpec(name, "val_accuracy", MetricDirection.Maximize, 0, 1, 52, workload.SearchSpace.ToJson(), """{"type":"random"}""", policyJson, settings.ToJsonString());
    }

    /// <summary>
    /// Trial 1 of <paramref name="experiment"/> as a pausing policy leaves it: trained <paramref name="epochs"/> epochs by
    /// worker "first" (attempt 1), each decided, then paused with the workload's checkpoint.
    /// </summary>
    public static async Task<(TrialRecord Trial, TrialParameters Parameters)> CreatePausedTrialAsync(IExperimentStore store, ExperimentRecord experiment, IWorkload workload, int epochs)
    {
        var spec = experiment.Spec;
        var parameters = new Hpo.Scheduler.Tuning.TunerFactory().Create(spec.TunerJson, SearchSpace.FromJson(spec.SearchSpaceJson), 1)
            .Propose(new Hpo.Scheduler.AutoMl.TrialSettings { TrialId = 1 });
        var trial = await store.CreateTrialAsync(experiment.Id, parameters.ToJson());
        var lease = await store.ClaimTrialAsync(trial.Id, "first", TimeSpan.FromSeconds(30));
        await using var run = (IResumableWorkloadRun)await workload.StartAsync(parameters, seed: 1);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            await store.RecordObservationAsync(lease, epoch, await run.TrainEpochAsync(epoch));
            var decision = epoch == epochs ? Hpo.Scheduler.Stopping.StoppingDecision.Pause($"rung {epoch}") : Hpo.Scheduler.Stopping.StoppingDecision.Continue("ok");
            await store.RecordDecisionAsync(lease, decision.ToRecord(trial.Id, epoch, "asha-promote", DateTimeOffset.UtcNow));
        }

        using var checkpoint = new MemoryStream();
        await run.SaveCheckpointAsync(checkpoint);
        await store.PauseTrialAsync(lease, epochs, checkpoint.ToArray(), $"rung {epochs}");
        return (trial, parameters);
    }

    /// <summary>Waits until the experiment is Completed (every trial terminal), or fails after <paramref name="timeout"/>.</summary>
    public static async Task<ExperimentRecord> WaitCompletedAsync(IExperimentStore store, long experimentId, TimeSpan timeout, Func<Task>? whileWaiting = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var experiment = await store.GetExperimentAsync(experimentId);
            if (experiment?.Status == ExperimentStatus.Completed)
            {
                return experiment;
            }

            if (DateTime.UtcNow > deadline)
            {
                var trials = await store.ListTrialsAsync(experimentId, 1, 1000);
                string states = string.Join(", ", trials.Items.Select(t => $"#{t.Number} {t.Status} e{t.LastEpoch} a{t.Attempt} {t.WorkerId}"));
                Assert.Fail($"Experiment {experimentId} is {experiment?.Status} after {timeout.TotalSeconds} s: {states}");
            }

            if (whileWaiting is not null)
            {
                await whileWaiting();
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Starts <paramref name="worker"/>'s worker service, waits until the experiment is Completed (see <see cref="WaitCompletedAsync"/>) and stops it.</summary>
    public static async Task RunToCompletionAsync(ServiceProvider worker, long experimentId, TimeSpan timeout)
    {
        var service = worker.GetRequiredService<HpoWorkerService>();
        await service.StartAsync(CancellationToken.None);
        try
        {
            await WaitCompletedAsync(worker.GetRequiredService<IExperimentStore>(), experimentId, timeout);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>What a finished run left in the database, checked row by row with SQL.</summary>
    public static async Task<RunAudit> AuditAsync(string connection, long experimentId)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        async Task<long> ScalarAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, db);
            command.Parameters.AddWithValue("e", experimentId);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        const string trialsOf = "SELECT id FROM trials WHERE experiment_id = @e";
        return new RunAudit(
            Trials: await ScalarAsync("SELECT COUNT(*) FROM trials WHERE experiment_id = @e"),
            NotTerminal: await ScalarAsync("SELECT COUNT(*) FROM trials WHERE experiment_id = @e AND status NOT IN ('Completed','Stopped','Failed')"),
            Completed: await ScalarAsync("SELECT COUNT(*) FROM trials WHERE experiment_id = @e AND status = 'Completed'"),
            Stopped: await ScalarAsync("SELECT COUNT(*) FROM trials WHERE experiment_id = @e AND status = 'Stopped'"),
            Failed: await ScalarAsync("SELECT COUNT(*) FROM trials WHERE experiment_id = @e AND status = 'Failed'"),
            Observations: await ScalarAsync($"SELECT COUNT(*) FROM observations WHERE trial_id IN ({trialsOf})"),
            DuplicateObservations: await ScalarAsync($"SELECT COUNT(*) FROM (SELECT trial_id, epoch FROM observations WHERE trial_id IN ({trialsOf}) GROUP BY trial_id, epoch HAVING COUNT(*) > 1) d"),
            MissingEpochs: await ScalarAsync($"SELECT COALESCE(SUM(t.last_epoch - (SELECT COUNT(*) FROM observations o WHERE o.trial_id = t.id)), 0) + (SELECT COUNT(*) FROM observations o JOIN trials t ON t.id = o.trial_id WHERE t.experiment_id = @e AND o.epoch > t.last_epoch) FROM trials t WHERE t.experiment_id = @e"),
            IncompleteCompleted: await ScalarAsync("SELECT COUNT(*) FROM trials t JOIN experiments x ON x.id = t.experiment_id WHERE t.experiment_id = @e AND t.status = 'Completed' AND t.last_epoch <> x.max_epochs"),
            UndecidedEpochs: await ScalarAsync($"SELECT COUNT(*) FROM observations o WHERE o.trial_id IN ({trialsOf}) AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.trial_id = o.trial_id AND d.epoch = o.epoch)"),
            StoppedWithoutStop: await ScalarAsync("SELECT COUNT(*) FROM trials t WHERE t.experiment_id = @e AND t.status = 'Stopped' AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.trial_id = t.id AND d.epoch = t.last_epoch AND d.action IN ('Stop', 'Pause'))"),
            ReExecutedTrials: await ScalarAsync("SELECT COUNT(*) FROM trials WHERE experiment_id = @e AND attempt > 1"),
            ReExecutions: await ScalarAsync("SELECT COALESCE(SUM(attempt - 1), 0) FROM trials WHERE experiment_id = @e AND attempt > 1"),
            Workers: await ScalarAsync("SELECT COUNT(DISTINCT worker_id) FROM trials WHERE experiment_id = @e"));
    }

    /// <summary>Asserts a finished run lost and duplicated nothing.</summary>
    public static void AssertIntact(RunAudit audit, int expectedTrials)
    {
        Assert.Equal(expectedTrials, audit.Trials);
        Assert.Equal(0, audit.NotTerminal);
        Assert.Equal(0, audit.DuplicateObservations);
        Assert.Equal(0, audit.MissingEpochs);
        Assert.Equal(0, audit.IncompleteCompleted);
        Assert.Equal(0, audit.UndecidedEpochs);
        Assert.Equal(0, audit.StoppedWithoutStop);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hpo.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Hpo.sln above {AppContext.BaseDirectory}.");
    }
}
