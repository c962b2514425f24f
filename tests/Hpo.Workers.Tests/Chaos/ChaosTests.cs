using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hpo.Scheduler.Persistence;
using Hpo.Testing;
using Hpo.Workers.Hosting;
using Hpo.Workers.Submission;
using Hpo.Workers.Tests.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Hpo.Workers.Tests.Chaos;

public sealed class ChaosTests(ITestOutputHelper output)
{
    private const string Asha = """{"type":"asha","eta":3,"minResource":4}""";

    /// <summary>ASHA with promotion: trials pause at rungs 4 and 12 and later slices resume them as new jobs on any worker.</summary>
    internal const string AshaPromote = """{"type":"asha-promote","eta":3,"minResource":4}""";

    /// <summary>
    /// Freeze-thaw with the workers' default model: trials pause at epochs 4, 12 and 36, the experiment's advance asks
    /// the LC-PFN which paused trial deserves the next slice, and resumed slices run on whichever worker takes them.
    /// </summary>
    internal const string FreezeThaw = """{"type":"freeze-thaw","minEpochs":4,"rungs":[4,12,36]}""";

    /// <summary>
    /// The LC-PFN deciding, with the workers' default model; its first decision at epoch 10 so that faults still land
    /// in the middle of trials (with the default 2 most LCBench trials end within a few epochs).
    /// </summary>
    internal const string LcPfn = """{"type":"lcpfn","delta":0.05,"minEpochs":10}""";

    [PostgresTheory]
    [InlineData("""{"type":"none"}""", 10)]
    [InlineData(LcPfn, 16)]
    [InlineData(AshaPromote, 12)]
    [InlineData(FreezeThaw, 12)]
    public async Task Fleet_WorkerKilledRepeatedly_LosesAndDuplicatesNothing(string policy, int trials)
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        // Without early stopping every trial trains all 52 epochs, so every kill lands in the middle of trials; the
        // LC-PFN run has more trials so that it lasts as long.
        string file = ExperimentFiles.WriteLcBench("chaos", trials, concurrency: 6, policy);
        var (code, submitted) = await WorkerProcess.RunAsync(TimeSpan.FromSeconds(90), "submit", file, "--db", db.ConnectionString, "--migrate");
        Assert.True(code == 0, submitted);
        output.WriteLine(submitted);

        await using var observer = FleetHarness.Worker(db.ConnectionString, "observer");
        var store = observer.GetRequiredService<IExperimentStore>();
        var experiment = await store.FindExperimentAsync("chaos");
        Assert.NotNull(experiment);

        var workers = Enumerable.Range(0, 3).Select(i => WorkerProcess.StartWorker(db.ConnectionString, $"w{i}-1", epochDelayMs: 60)).ToArray();
        var rng = new Random(11);
        int kills = 0;
        var watch = Stopwatch.StartNew();
        var nextKill = TimeSpan.FromSeconds(3);
        try
        {
            await FleetHarness.WaitCompletedAsync(store, experiment.Id, TimeSpan.FromSeconds(150), async () =>
            {
                if (watch.Elapsed < nextKill || kills >= 8)
                {
                    return;
                }

                // Only a worker that holds a trial: on a loaded machine a worker may still be starting when its turn
                // comes, and killing it then would interrupt nothing.
                var holding = (await store.ListTrialsAsync(experiment.Id, 1, 100, TrialStatus.Running)).Items.Select(t => t.WorkerId).ToHashSet();
                int[] candidates = [.. Enumerable.Range(0, workers.Length).Where(k => holding.Contains(workers[k].Name))];
                if (candidates.Length == 0)
                {
                    return;
                }

                int i = candidates[rng.Next(candidates.Length)];
                var victim = workers[i];
                victim.Kill();
                await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));
                await victim.DisposeAsync();
                kills++;
                workers[i] = WorkerProcess.StartWorker(db.ConnectionString, $"w{i}-{kills + 1}", epochDelayMs: 60);
                nextKill = watch.Elapsed + TimeSpan.FromSeconds(2.5);
                output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s: SIGKILL {victim.Name}, started {workers[i].Name}");
            });
            var elapsed = watch.Elapsed;

            // SIGTERM is a graceful stop: every worker exits by itself, with status 0. A worker started by the last kill
            // may still be loading the runtime when the experiment ends; until its command line runs, SIGTERM kills it
            // with the default status 143, which is not the stop under test, so each gets until its start is logged.
            foreach (var worker in workers)
            {
                var started = Stopwatch.StartNew();
                while (!worker.Output.Contains(" started: ", StringComparison.Ordinal) && !worker.HasExited && started.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(100);
                }

                await worker.SignalAsync("TERM");
            }

            foreach (var worker in workers)
            {
                Assert.True(await worker.WaitForExitAsync(TimeSpan.FromSeconds(40)), $"{worker.Name} did not stop on SIGTERM");
                Assert.Equal(0, worker.ExitCode);
            }

            var audit = await FleetHarness.AuditAsync(db.ConnectionString, experiment.Id);
            output.WriteLine($"chaos ({policy}): {kills} SIGKILLs over {elapsed.TotalSeconds:F1} s; {audit}");
            FleetHarness.AssertIntact(audit, expectedTrials: trials);
            Assert.Equal(0, audit.Failed);
            await AssertDecidedByAsync(db.ConnectionString, experiment.Id, policy, audit);
            Assert.True(kills >= 2, $"Only {kills} kills landed before the experiment finished; the run was too short to test anything.");
            Assert.True(audit.ReExecutions >= 1, "No kill interrupted a trial.");
        }
        catch
        {
            Dump(workers);
            throw;
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            File.Delete(file);
        }
    }

    [PostgresTheory]
    [InlineData("""{"type":"none"}""")]
    [InlineData(LcPfn)]
    public async Task StaleWorker_PausedPastItsLease_WritesNothingAfterTakeover(string policy)
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        string file = ExperimentFiles.WriteLcBench("stale", trials: 1, concurrency: 1, policy);
        var (code, submitted) = await WorkerProcess.RunAsync(TimeSpan.FromSeconds(90), "submit", file, "--db", db.ConnectionString, "--migrate");
        Assert.True(code == 0, submitted);
        await using var observer = FleetHarness.Worker(db.ConnectionString, "observer");
        var store = observer.GetRequiredService<IExperimentStore>();
        var experiment = (await store.FindExperimentAsync("stale"))!;
        long trialId = (await store.ListTrialsAsync(experiment.Id)).Items.Single().Id;

        var a = WorkerProcess.StartWorker(db.ConnectionString, "stale-a", epochDelayMs: 100, concurrency: 1, leaseSeconds: 4, invisibilitySeconds: 4);
        WorkerProcess? b = null;
        try
        {
            var running = await WaitTrialAsync(store, trialId, t => t.WorkerId == "stale-a" && t.LastEpoch >= 3, "A trains the trial");
            await a.SignalAsync("STOP");
            output.WriteLine($"SIGSTOP stale-a at epoch ≥ {running.LastEpoch}");

            b = WorkerProcess.StartWorker(db.ConnectionString, "stale-b", epochDelayMs: 100, concurrency: 1, leaseSeconds: 4, invisibilitySeconds: 4);
            var takenOver = await WaitTrialAsync(store, trialId, t => t.WorkerId == "stale-b" && t.Attempt == 2 && t.LastEpoch > running.LastEpoch, "B takes the trial over");
            await b.SignalAsync("STOP");
            output.WriteLine($"B took over (attempt {takenOver.Attempt}) and reached epoch ≥ {takenOver.LastEpoch}; SIGSTOP stale-b, SIGCONT stale-a");

            // With B frozen, any row that changes now was written by A after it lost the lease.
            string before = await SnapshotAsync(db.ConnectionString, trialId);
            await a.SignalAsync("CONT");
            await Task.Delay(TimeSpan.FromSeconds(2));
            string after = await SnapshotAsync(db.ConnectionString, trialId);
            Assert.Equal(before, after);

            await b.SignalAsync("CONT");
            await FleetHarness.WaitCompletedAsync(store, experiment.Id, TimeSpan.FromSeconds(90));
            var audit = await FleetHarness.AuditAsync(db.ConnectionString, experiment.Id);
            output.WriteLine(audit.ToString());
            FleetHarness.AssertIntact(audit, expectedTrials: 1);
            Assert.Equal(0, audit.Failed);
            await AssertDecidedByAsync(db.ConnectionString, experiment.Id, policy, audit);
            output.WriteLine("stale-a after SIGCONT: " + string.Join(" | ", a.Output.Split('\n').Where(l => l.Contains("Job 1 ", StringComparison.Ordinal) || l.Contains("Trial", StringComparison.Ordinal)).Skip(1)));
        }
        catch
        {
            Dump(b is null ? [a] : [a, b]);
            throw;
        }
        finally
        {
            await a.DisposeAsync();
            if (b is not null)
            {
                await b.DisposeAsync();
            }

            File.Delete(file);
        }
    }

    [PostgresFact]
    public async Task Fleet_BackendsTerminatedMidRun_CompletesWithNothingLost()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var a = FleetHarness.Worker(db.ConnectionString, "term-a", output: output);
        await using var b = FleetHarness.Worker(db.ConnectionString, "term-b", output: output);
        await FleetHarness.PrepareAsync(a);
        var spec = FleetHarness.LcBenchSpec("terminated", trials: 6, concurrency: 4, """{"type":"none"}""", epochDelayMs: 50);
        var (experiment, _) = await a.GetRequiredService<ExperimentSubmitter>().SubmitAsync(spec);
        var serverA = a.GetRequiredService<HpoWorkerService>();
        var serverB = b.GetRequiredService<HpoWorkerService>();
        await serverA.StartAsync(CancellationToken.None);
        await serverB.StartAsync(CancellationToken.None);
        int rounds = 0;
        long terminated = 0;
        var watch = Stopwatch.StartNew();
        var next = TimeSpan.FromSeconds(1);
        try
        {
            await FleetHarness.WaitCompletedAsync(a.GetRequiredService<IExperimentStore>(), experiment.Id, TimeSpan.FromSeconds(120), async () =>
            {
                if (watch.Elapsed < next || rounds >= 5)
                {
                    return;
                }

                terminated += await TerminateBackendsAsync(db.ConnectionString);
                rounds++;
                next = watch.Elapsed + TimeSpan.FromSeconds(1.5);
            });
        }
        finally
        {
            await serverA.StopAsync(CancellationToken.None);
            await serverB.StopAsync(CancellationToken.None);
        }

        var audit = await FleetHarness.AuditAsync(db.ConnectionString, experiment.Id);
        output.WriteLine($"{rounds} rounds of pg_terminate_backend ({terminated} backends) in {watch.Elapsed.TotalSeconds:F1} s; {audit}");
        Assert.True(rounds >= 3, $"Only {rounds} termination rounds landed before the run finished.");
        FleetHarness.AssertIntact(audit, expectedTrials: 6);
        Assert.Equal(6, audit.Completed);
    }

    private static async Task<long> TerminateBackendsAsync(string connection)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection) { Pooling = false };
        await using var db = new NpgsqlConnection(builder.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", db);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<TrialRecord> WaitTrialAsync(IExperimentStore store, long trialId, Func<TrialRecord, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var trial = await store.GetTrialAsync(trialId);
            if (trial is not null && condition(trial))
            {
                return trial;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}: {trial}");
            await Task.Delay(100);
        }
    }

    private static async Task<string> SnapshotAsync(string connection, long trialId)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        var text = new StringBuilder();
        foreach (string sql in new[]
        {
            "SELECT status, attempt, lease_token::text, worker_id, last_heartbeat::text, last_epoch, finished_at::text FROM trials WHERE id = @t",
            "SELECT epoch, value, recorded_at::text FROM observations WHERE trial_id = @t ORDER BY epoch",
            "SELECT epoch, action, decided_at::text FROM decisions WHERE trial_id = @t ORDER BY epoch",
        })
        {
            await using var command = new NpgsqlCommand(sql, db);
            command.Parameters.AddWithValue("t", trialId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (int i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    private void Dump(IEnumerable<WorkerProcess> workers)
    {
        foreach (var worker in workers)
        {
            output.WriteLine($"---- {worker.Name} ----");
            output.WriteLine(string.Join('\n', worker.Output.Split('\n').TakeLast(40)));
        }
    }

    /// <summary>
    /// Without stopping every trial completes; with the LC-PFN every trial ended Completed or Stopped and every decision
    /// from its first decision epoch on was taken by the model, its probability and the model's SHA-256 recorded.
    /// </summary>
    internal static async Task AssertDecidedByAsync(string connection, long experimentId, string policy, RunAudit audit)
    {
        if (policy is AshaPromote or FreezeThaw)
        {
            // Paused trials end Completed, Stopped (promoted no further) or were resumed; at least one resumed and
            // continued its curve after the pause (the audit checked it has no gap or duplicate).
            Assert.Equal(audit.Trials, audit.Completed + audit.Stopped);
            await using var paused = new NpgsqlConnection(connection);
            await paused.OpenAsync();
            await using var resumed = new NpgsqlCommand(
                """
                SELECT COUNT(DISTINCT d.trial_id) FROM decisions d JOIN trials t ON t.id = d.trial_id
                WHERE t.experiment_id = @e AND d.action = 'Pause' AND t.last_epoch > d.epoch
                """,
                paused);
            resumed.Parameters.AddWithValue("e", experimentId);
            Assert.True((long)(await resumed.ExecuteScalarAsync())! >= 1, "No paused trial was resumed.");
            if (policy == FreezeThaw)
            {
                // Every pause and stop of freeze-thaw is the LC-PFN's: its decisions carry P(beat best) and one model.
                await using var model = new NpgsqlCommand(
                    """
                    SELECT COUNT(*) FILTER (WHERE d.action IN ('Pause', 'Stop') AND d.probability_of_improvement IS NOT NULL),
                           COUNT(DISTINCT d.model_sha256), MIN(d.policy), MAX(d.policy)
                    FROM decisions d JOIN trials t ON t.id = d.trial_id WHERE t.experiment_id = @e
                    """,
                    paused);
                model.Parameters.AddWithValue("e", experimentId);
                await using var decided = await model.ExecuteReaderAsync();
                Assert.True(await decided.ReadAsync());
                Assert.True(decided.GetInt64(0) > 0, "No pause or stop was decided with the LC-PFN's probability.");
                Assert.Equal(1, decided.GetInt64(1));
                Assert.Equal(("freeze-thaw", "freeze-thaw"), (decided.GetString(2), decided.GetString(3)));
            }

            return;
        }

        if (!policy.Contains("lcpfn", StringComparison.Ordinal))
        {
            Assert.Equal(audit.Trials, audit.Completed);
            return;
        }

        Assert.Equal(audit.Trials, audit.Completed + audit.Stopped);
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT COUNT(*) FILTER (WHERE d.model_sha256 IS NOT NULL AND d.probability_of_improvement IS NOT NULL),
                   COUNT(*) FILTER (WHERE d.epoch >= 10 AND d.epoch < 52 AND (d.model_sha256 IS NULL OR d.probability_of_improvement IS NULL)),
                   COUNT(DISTINCT d.model_sha256), MIN(d.policy), MAX(d.policy)
            FROM decisions d JOIN trials t ON t.id = d.trial_id WHERE t.experiment_id = @e
            """, db);
        command.Parameters.AddWithValue("e", experimentId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetInt64(0) > 0, "No decision was taken by the LC-PFN.");
        Assert.Equal(0, reader.GetInt64(1));
        Assert.Equal(1, reader.GetInt64(2));
        Assert.Equal(("lcpfn", "lcpfn"), (reader.GetString(3), reader.GetString(4)));
    }
}
