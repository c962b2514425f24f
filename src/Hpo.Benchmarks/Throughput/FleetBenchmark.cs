using Hpo.Workloads.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;
using Hpo.Workloads.LcBench;
using Hpo.Storage.Configuration;
using Hpo.Storage.Connections;
using Hpo.Storage.Schema;
using Hpo.Workers.Hosting;
using Hpo.Workers.Submission;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hpo.Benchmarks.Throughput;

/// <summary>
/// The fleet as users run it: submits an LCBench-surrogate experiment, starts real <c>hpo worker</c> processes on
/// the database, waits for the experiment to complete, stops the workers (SIGTERM) and reads the figures back from
/// the stored observations and decisions. Leaves the experiment (<c>bench-fleet-…</c>, and <c>bench-fleet-warmup-…</c>
/// when the workers warm up first) in the database.
/// </summary>
internal sealed class FleetBenchmark(FleetBenchSettings settings, TextWriter progress)
{
    public async Task<FleetBenchResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var connection = HpoConnection.Parse(settings.Connection, "hpo bench");
        if (connection.Provider != DatabaseProvider.PostgreSql)
        {
            throw new ArgumentException("--db: the fleet needs PostgreSQL (postgres://user:pass@host:port/db or Host=...;Database=...).");
        }

        await using var services = new ServiceCollection()
            .AddHpoStorage(o =>
            {
                o.Connection = settings.Connection;
                o.ApplicationName = "hpo bench fleet";
                o.MigrateOnStart = settings.Migrate;
            })
            .AddHpoWorkloads()
            .AddHpoWorkers(o => o.PrepareHangfireSchema = settings.Migrate)
            .BuildServiceProvider();
        var database = services.GetRequiredService<HpoDatabase>();
        await database.EnsureReadyAsync(cancellationToken);
        var status = await database.GetSchemaStatusAsync(cancellationToken);
        var store = services.GetRequiredService<IExperimentStore>();
        var submitter = services.GetRequiredService<ExperimentSubmitter>();
        var spec = Spec(settings.Trials, settings.Seed, "bench-fleet");
        await progress.WriteLineAsync($"[bench fleet] {status.ServerVersion} at {database.Connection.Redacted}; experiment {spec.Name}: {settings.Trials} trials of LCBench task {settings.Task}, policy {settings.PolicyJson}; {settings.Workers} workers × {settings.Concurrency}");

        // With a warm-up, the workers first run another experiment to its end, as a long-running fleet's workers have run
        // others before: the measured one then starts with their code compiled (the first seconds of a cold worker run at
        // about half speed while the JIT compiles the hot paths again at full optimisation).
        var warmup = settings.WarmupTrials > 0 ? Spec(settings.WarmupTrials, settings.Seed + 1, "bench-fleet-warmup") : null;
        long first = (await submitter.SubmitAsync(warmup ?? spec, cancellationToken)).Experiment.Id;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, settings.Workers).Select(StartWorker).ToList();
        FleetBenchResult? warm = null;
        long measured = first;
        try
        {
            await WaitCompletedAsync(store, connection.ConnectionString, first, warmup is null ? settings.Trials : settings.WarmupTrials, workers, clock, cancellationToken);
            if (warmup is not null)
            {
                warm = await MeasureAsync(connection.ConnectionString, first, warmup, status.ServerVersion, database.Connection.Redacted, clock.Elapsed.TotalSeconds, null, cancellationToken);
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[bench fleet] warm-up {warmup.Name}: {warm.Observations:N0} epoch reports at {warm.ReportsPerSecond:F0}/s; now the measured experiment"));
                measured = (await submitter.SubmitAsync(spec, cancellationToken)).Experiment.Id;
                clock.Restart();
                await WaitCompletedAsync(store, connection.ConnectionString, measured, settings.Trials, workers, clock, cancellationToken);
            }
        }
        finally
        {
            await StopAsync(workers);
        }

        double wall = clock.Elapsed.TotalSeconds;
        return await MeasureAsync(connection.ConnectionString, measured, spec, status.ServerVersion, database.Connection.Redacted, wall, warm, cancellationToken);
    }

    private ExperimentSpec Spec(int trials, int seed, string prefix)
    {
        string surrogate = Path.GetFullPath(settings.Surrogate);
        using var workload = new LcBenchWorkload(surrogate, settings.Task);
        var options = new JsonObject
        {
            ["maxTrials"] = trials,
            ["concurrency"] = settings.Workers * settings.Concurrency,
            ["seed"] = seed,
            ["workload"] = new JsonObject { ["type"] = "lcbench", ["surrogate"] = surrogate, ["task"] = settings.Task },
        };
        return new ExperimentSpec(
            $"{prefix}-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}",
            "val_accuracy",
            MetricDirection.Maximize,
            0,
            1,
            52,
            workload.SearchSpace.ToJson(),
            """{"type":"random"}""",
            settings.PolicyJson,
            options.ToJsonString());
    }

    private WorkerProcess StartWorker(int index)
    {
        // The same hpo that runs this benchmark: the apphost itself, or hpo.dll beside this assembly under dotnet
        // (`dotnet hpo.dll`, or a test host).
        string? process = Environment.ProcessPath;
        bool apphost = process is not null && Path.GetFileNameWithoutExtension(process) == "hpo";
        var info = new ProcessStartInfo(apphost ? process! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!apphost)
        {
            info.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(typeof(FleetBenchmark).Assembly.Location)!, "hpo.dll"));
        }

        string name = $"bench-{Environment.ProcessId}-w{index}";
        string[] args =
        [
            "worker", "--db", settings.Connection, "--name", name,
            "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture),
            "--poll-seconds", settings.PollSeconds.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (settings.Model is not null)
        {
            info.ArgumentList.Add("--model");
            info.ArgumentList.Add(Path.GetFullPath(settings.Model));
        }

        return new WorkerProcess(name, Process.Start(info) ?? throw new InvalidOperationException("hpo worker did not start."));
    }

    private async Task WaitCompletedAsync(IExperimentStore store, string connection, long experimentId, int trials, List<WorkerProcess> workers, Stopwatch clock, CancellationToken cancellationToken)
    {
        var nextReport = TimeSpan.FromSeconds(2);
        while (true)
        {
            var experiment = await store.GetExperimentAsync(experimentId, cancellationToken);
            if (experiment?.Status == ExperimentStatus.Completed)
            {
                return;
            }

            if (workers.FirstOrDefault(w => w.Process.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"Worker {dead.Name} exited with {dead.Process.ExitCode}: {dead.Tail()}");
            }

            if (clock.Elapsed >= nextReport)
            {
                long stored = await ScalarAsync(connection, "SELECT COUNT(*) FROM observations o JOIN trials t ON t.id = o.trial_id WHERE t.experiment_id = @e", experimentId, cancellationToken);
                long ended = await ScalarAsync(connection, "SELECT COUNT(*) FROM trials WHERE experiment_id = @e AND status IN ('Completed','Stopped','Failed')", experimentId, cancellationToken);
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[bench fleet] {clock.Elapsed.TotalSeconds:F0} s: {stored:N0} epoch reports, {ended}/{trials} trials ended"));
                nextReport = clock.Elapsed + TimeSpan.FromSeconds(5);
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static async Task StopAsync(List<WorkerProcess> workers)
    {
        foreach (var worker in workers.Where(w => !w.Process.HasExited))
        {
            using var kill = Process.Start("kill", ["-TERM", worker.Process.Id.ToString(CultureInfo.InvariantCulture)]);
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }
        }

        foreach (var worker in workers)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await worker.Process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                worker.Process.Kill();
            }

            worker.Process.Dispose();
        }
    }

    private async Task<FleetBenchResult> MeasureAsync(string connection, long experimentId, ExperimentSpec spec, string server, string redacted, double wall, FleetBenchResult? warmup, CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(cancellationToken);
        var times = new List<double>();
        await using (var select = new NpgsqlCommand(
            "SELECT EXTRACT(EPOCH FROM o.recorded_at)::float8 FROM observations o JOIN trials t ON t.id = o.trial_id WHERE t.experiment_id = @e ORDER BY o.recorded_at", db))
        {
            select.Parameters.AddWithValue("e", experimentId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                times.Add(reader.GetDouble(0));
            }
        }

        var latencies = new List<double>();
        long withModel = 0;
        await using (var select = new NpgsqlCommand(
            """
            SELECT EXTRACT(EPOCH FROM (d.decided_at - o.recorded_at))::float8 * 1000, d.model_sha256 IS NOT NULL
            FROM decisions d JOIN observations o ON o.trial_id = d.trial_id AND o.epoch = d.epoch JOIN trials t ON t.id = d.trial_id
            WHERE t.experiment_id = @e
            """, db))
        {
            select.Parameters.AddWithValue("e", experimentId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                latencies.Add(reader.GetDouble(0));
                withModel += reader.GetBoolean(1) ? 1 : 0;
            }
        }

        int stopped = (int)await ScalarAsync(connection, "SELECT COUNT(*) FROM trials WHERE experiment_id = @e AND status = 'Stopped'", experimentId, cancellationToken);
        int trials = (int)await ScalarAsync(connection, "SELECT COUNT(*) FROM trials WHERE experiment_id = @e", experimentId, cancellationToken);
        double run = times.Count > 1 ? times[^1] - times[0] : double.NaN;
        var deciles = Deciles(times);
        latencies.Sort();
        return new FleetBenchResult(
            server,
            redacted,
            spec.Name,
            spec.PolicyJson,
            settings.Task,
            settings.Workers,
            settings.Concurrency,
            trials,
            stopped,
            times.Count,
            ((long)trials * spec.MaxEpochs) - times.Count,
            Math.Round(wall, 3),
            Math.Round(run, 3),
            Math.Round(times.Count / run, 1),
            deciles,
            deciles.Count == 10 ? Math.Round(deciles[9] / deciles[0], 3) : double.NaN,
            Math.Round(trials / run, 2),
            Math.Round(Percentile(latencies, 0.50), 2),
            Math.Round(Percentile(latencies, 0.99), 2),
            withModel,
            warmup?.Trials ?? 0,
            warmup?.ReportsPerSecond);
    }

    /// <summary>Reports per second within each tenth of the observations, in the order they were stored.</summary>
    private static List<double> Deciles(List<double> times)
    {
        var rates = new List<double>();
        if (times.Count < 20)
        {
            return rates;
        }

        for (int k = 0; k < 10; k++)
        {
            int start = k * times.Count / 10;
            int end = ((k + 1) * times.Count / 10) - 1;

            // Each decile's time runs from the previous decile's last report, so the deciles tile the run.
            double from = times[Math.Max(start - 1, 0)];
            int count = end - Math.Max(start - 1, 0);
            rates.Add(Math.Round(count / Math.Max(times[end] - from, 1e-6), 1));
        }

        return rates;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static async Task<long> ScalarAsync(string connection, string sql, long experimentId, CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("e", experimentId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>A started worker; the tail of its output explains a crash.</summary>
    private sealed class WorkerProcess
    {
        private readonly Queue<string> _tail = new();

        public WorkerProcess(string name, Process process)
        {
            Name = name;
            Process = process;
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Name { get; }

        public Process Process { get; }

        public string Tail()
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > 40)
                {
                    _tail.Dequeue();
                }
            }
        }
    }
}
