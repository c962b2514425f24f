using System.Diagnostics;
using System.Globalization;
using Hpo.Scheduler.Persistence;
using Hpo.Testing;
using Hpo.Workers.Tests.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Hpo.Workers.Tests.Chaos;

/// <summary>
/// The database server goes away under a running fleet and comes back on the same address; the workers must
/// carry on by themselves. Runs on a cluster of its own: other test assemblies share scripts/test.sh's cluster.
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private const int Trials = 12;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);

    /// <summary>
    /// With a 10 s lease the trials ride the outages out under the leases they hold (the README's promise). With a
    /// 3 s lease the 3 s outage outlasts every lease and the invisibility timeout, and the workers have idle slots,
    /// so when the server is back they may race for each other's trials and the lease fence must keep the losers
    /// from writing. Either way the experiment's concurrency (4) exceeds what one worker runs at once, so both
    /// workers must keep taking new jobs after each outage.
    /// </summary>
    [PostgresTheory]
    [InlineData(10, 2, """{"type":"none"}""")]
    [InlineData(3, 3, """{"type":"none"}""")]
    [InlineData(10, 2, ChaosTests.LcPfn)]
    public async Task Fleet_PostgresRestartMidRun_CompletesWithoutLosingEpochs(int leaseSeconds, int workerConcurrency, string policy)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = bound.Token;
        var watch = Stopwatch.StartNew();
        await using var cluster = await PostgresCluster.CreateAsync(ct);
        await cluster.CreateDatabaseAsync("hpo", ct);
        string connection = cluster.ConnectionString("hpo");

        // No early stopping (or the LC-PFN from epoch 10): both outages land in the middle of trials.
        string file = ExperimentFiles.WriteLcBench("restart", Trials, concurrency: 4, policy);
        WorkerProcess[] workers = [];
        try
        {
            var (code, submitted) = await WorkerProcess.RunAsync(TimeSpan.FromSeconds(90), "submit", file, "--db", connection, "--migrate");
            Assert.True(code == 0, submitted);
            await using var observer = FleetHarness.Worker(connection, "observer");
            var store = observer.GetRequiredService<IExperimentStore>();
            var experiment = await store.FindExperimentAsync("restart", ct);
            Assert.NotNull(experiment);

            workers = [.. Enumerable.Range(0, 2).Select(i => WorkerProcess.StartWorker(connection, $"restart-w{i}", epochDelayMs: 60, concurrency: workerConcurrency, leaseSeconds: leaseSeconds, invisibilitySeconds: leaseSeconds))];

            await WaitUntilAsync(connection, "four trials running on both workers, mid-curve", """
                SELECT COUNT(*) = 4 AND COUNT(DISTINCT worker_id) = 2 AND MIN(last_epoch) >= 2
                FROM trials WHERE status = 'Running'
                """, ct);
            var serversBefore = await ProcessingServersAsync(connection, afterStateId: 0, ct);
            long epochsBefore = await ObservationsAsync(connection, ct);

            var restart = Stopwatch.StartNew();
            await cluster.RestartAsync(ct);
            output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s: pg_ctl restart -m fast at {epochsBefore} epochs recorded, took {restart.Elapsed.TotalSeconds:F1} s");
            var resumed = await WaitForMoreEpochsAsync(connection, epochsBefore + 20, ct);
            output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s: recording again {resumed.TotalSeconds:F1} s after the restart");

            long epochsAtStop = await ObservationsAsync(connection, ct);
            long notFinished = await ScalarAsync(connection, "SELECT COUNT(*) FROM trials WHERE status IN ('Pending','Running')", ct);
            await cluster.StopAsync(ct);
            await Task.Delay(Outage, ct);
            await cluster.StartAsync(ct);
            output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s: pg_ctl stop -m fast at {epochsAtStop} epochs ({notFinished} trials pending or running), {Outage.TotalSeconds:F0} s down, started on port {cluster.Port} again");
            long lastStateBeforeResume = await ScalarAsync(connection, "SELECT COALESCE(MAX(id), 0) FROM hangfire.state", ct);
            long lastTxBeforeResume = await ScalarAsync(connection, "SELECT COALESCE(MAX(tx), 0) FROM observations", ct);
            resumed = await WaitForMoreEpochsAsync(connection, epochsAtStop + 20, ct);
            output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s: recording again {resumed.TotalSeconds:F1} s after the start");

            await FleetHarness.WaitCompletedAsync(store, experiment.Id, TimeSpan.FromSeconds(120));
            output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s: experiment completed");

            var audit = await FleetHarness.AuditAsync(connection, experiment.Id);
            var serversAfter = await ProcessingServersAsync(connection, lastStateBeforeResume, ct);
            var workersAfter = await WorkersRecordingAfterAsync(connection, lastTxBeforeResume, ct);
            long trialJobRuns = await ScalarAsync(connection, "SELECT COUNT(*) FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid WHERE s.name = 'Processing' AND j.invocationdata::text LIKE '%TrialJob%'", ct);
            long failedJobs = await ScalarAsync(connection, "SELECT COUNT(*) FROM hangfire.job WHERE statename = 'Failed'", ct);
            output.WriteLine($"{policy}, lease {leaseSeconds} s, {workerConcurrency} slots per worker: {audit}; {trialJobRuns} trial job runs for {Trials} trials, {failedJobs} failed Hangfire jobs");
            output.WriteLine($"Hangfire servers before: {string.Join(", ", serversBefore)}; after the stop/start: {string.Join(", ", serversAfter)}");

            FleetHarness.AssertIntact(audit, expectedTrials: Trials);
            await ChaosTests.AssertDecidedByAsync(connection, experiment.Id, policy, audit);
            Assert.Equal(0, audit.Failed);
            Assert.Equal(0, failedJobs);

            // Not restarted: the processes are alive, the Hangfire servers (named worker:pid:instance) that started jobs
            // after the outage are the very ones that ran jobs before it, and each worker trained epochs after the outage
            // (a slot runs trial after trial in one job, so a worker may start no new job once it is back).
            Assert.All(workers, w => Assert.False(w.HasExited, $"{w.Name} exited with {(w.HasExited ? w.ExitCode : 0)}"));
            Assert.Subset(serversBefore, serversAfter);
            Assert.All(workers, w => Assert.Contains(w.Name, workersAfter));

            // The outages did reach the workers mid-trial (else this test proved nothing): each retried one of a running
            // trial's statements, or rode an outage out in the trial's execution. Which one the outage hits is timing: the
            // decision's read of what changed, the epoch's one write (value and decision) or the lease's heartbeat; the
            // value and the decision were two writes before 487ba58, so their old names still count.
            Assert.All(workers, w => Assert.Matches(@"Transient database error in (ReadObservationChanges|RecordEpoch|RecordObservations|RecordDecision|Heartbeat) |Trial \d+: the database is failing", w.Output));
            ReportWorkerWarnings(workers);
            output.WriteLine($"total {watch.Elapsed.TotalSeconds:F1} s");
        }
        catch
        {
            foreach (var worker in workers)
            {
                output.WriteLine($"---- {worker.Name} ----");
                output.WriteLine(string.Join('\n', worker.Output.Split('\n').TakeLast(60)));
            }

            output.WriteLine("---- server log ----");
            output.WriteLine(cluster.LogTail());
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

    /// <summary>Hangfire server ids with a Processing state after <paramref name="afterStateId"/>: who ran jobs.</summary>
    private static Task<HashSet<string>> ProcessingServersAsync(string connection, long afterStateId, CancellationToken ct) =>
        DistinctStringsAsync(connection, "SELECT DISTINCT data::jsonb->>'ServerId' FROM hangfire.state WHERE name = 'Processing' AND id > @after", afterStateId, ct);

    /// <summary>The workers holding the trials that recorded epochs in transactions after <paramref name="afterTx"/>.</summary>
    private static Task<HashSet<string>> WorkersRecordingAfterAsync(string connection, long afterTx, CancellationToken ct) =>
        DistinctStringsAsync(connection, "SELECT DISTINCT t.worker_id FROM trials t WHERE EXISTS (SELECT 1 FROM observations o WHERE o.trial_id = t.id AND o.tx > @after)", afterTx, ct);

    private static async Task<HashSet<string>> DistinctStringsAsync(string connection, string sql, long after, CancellationToken ct)
    {
        await using var db = await OpenAsync(connection, ct);
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("after", after);
        var values = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static Task<long> ObservationsAsync(string connection, CancellationToken ct) =>
        ScalarAsync(connection, "SELECT COUNT(*) FROM observations", ct);

    /// <summary>Waits until <paramref name="epochs"/> observations exist; returns how long that took.</summary>
    private static async Task<TimeSpan> WaitForMoreEpochsAsync(string connection, long epochs, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await WaitUntilAsync(connection, $"{epochs} epochs recorded", $"SELECT COUNT(*) >= {epochs} FROM observations", ct);
        return watch.Elapsed;
    }

    private static async Task WaitUntilAsync(string connection, string what, string sql, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            await using (var db = await OpenAsync(connection, ct))
            {
                await using var command = new NpgsqlCommand(sql, db);
                if (await command.ExecuteScalarAsync(ct) is true)
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<long> ScalarAsync(string connection, string sql, CancellationToken ct)
    {
        await using var db = await OpenAsync(connection, ct);
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connection, CancellationToken ct)
    {
        // Unpooled: a pooled connection would be one the restart killed.
        var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Pooling = false }.ConnectionString);
        await db.OpenAsync(ct);
        return db;
    }

    private void ReportWorkerWarnings(IEnumerable<WorkerProcess> workers)
    {
        foreach (var worker in workers)
        {
            string[] lines = worker.Output.Split('\n');
            int Count(string text) => lines.Count(l => l.Contains(text, StringComparison.Ordinal));
            output.WriteLine(
                $"{worker.Name}: {Count("Transient database error")} store retries, {Count("the database is failing")} trial outage waits, " +
                $"{Count("lease lost")} leases lost, {lines.Count(l => l.Contains(" warn: Hangfire", StringComparison.Ordinal))} Hangfire warnings, " +
                $"{Count("heartbeat or sweep failed")} worker heartbeats failed");
            var notable = lines.Where(l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal)
                || l.Contains(" warn: Hangfire", StringComparison.Ordinal) || l.Contains("lease lost", StringComparison.Ordinal));
            foreach (string line in notable.Take(20))
            {
                output.WriteLine("  " + (line.Length > 240 ? line[..240] + "…" : line));
            }
        }
    }
}
