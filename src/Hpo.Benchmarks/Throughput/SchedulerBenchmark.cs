using System.Diagnostics;
using System.Globalization;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Tuning;
using Hpo.Storage.Configuration;
using Hpo.Storage.Schema;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Benchmarks.Throughput;

/// <summary>
/// The in-process scheduler on a database (not the fleet: see FleetBenchmark): simulated workers train trials epoch by epoch and,
/// for every epoch, persist the value, get the stopping decision (the product's policy through the
/// batching <see cref="StoppingCoordinator"/>) and persist the decision; a stopped or finished trial is
/// closed and the worker claims a new one. It writes a fresh experiment named <c>bench-scheduler-…</c>
/// and leaves it, marked Completed.
/// </summary>
internal sealed class SchedulerBenchmark(SchedulerBenchSettings settings, ICurvePredictor? predictor, TextWriter progress)
{
    public async Task<SchedulerBenchResult> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var services = new ServiceCollection()
            .AddHpoStorage(o =>
            {
                o.Connection = settings.Connection;
                o.ApplicationName = "hpo bench scheduler";
                o.MigrateOnStart = settings.Migrate;
            })
            .BuildServiceProvider();
        var database = services.GetRequiredService<HpoDatabase>();
        await database.EnsureReadyAsync(cancellationToken);
        var status = await database.GetSchemaStatusAsync(cancellationToken);
        var store = services.GetRequiredService<IExperimentStore>();
        var policy = new StoppingPolicyFactory(predictor).Create(settings.PolicyJson);
        progress.WriteLine($"[bench scheduler] {status.ServerVersion} at {database.Connection.Redacted}; policy {policy.Name}; {settings.Workers} workers, {settings.Reports:N0} epoch reports");
        var spec = new ExperimentSpec(
            $"bench-scheduler-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}",
            "val_accuracy",
            MetricDirection.Maximize,
            0,
            1,
            settings.Epochs,
            """{"lr": {"type": "float", "low": 0.0001, "high": 1, "log": true}}""",
            """{"kind": "random"}""",
            settings.PolicyJson);
        var experiment = await store.CreateExperimentAsync(spec, cancellationToken);
        await store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Running, cancellationToken);
        using var coordinator = new StoppingCoordinator(policy, MetricSettings.From(spec));

        var latencies = new double[settings.Reports];
        int reports = 0;
        int trials = 0;
        int stopped = 0;
        var clock = Stopwatch.StartNew();
        using var reporter = new Timer(
            _ =>
            {
                int done = Math.Min(Volatile.Read(ref reports), settings.Reports);
                double rate = done / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                double eta = rate > 0 ? (settings.Reports - done) / rate : double.NaN;
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench scheduler] {done:N0}/{settings.Reports:N0} reports ({100.0 * done / settings.Reports:F0}%), {rate:F0}/s, ETA {eta:F0} s"));
            },
            null,
            TimeSpan.FromSeconds(2),
            TimeSpan.FromSeconds(2));

        async Task WorkerAsync(int worker)
        {
            while (Volatile.Read(ref reports) < settings.Reports)
            {
                int n = Interlocked.Increment(ref trials);
                var trial = await store.CreateTrialAsync(experiment.Id, string.Create(CultureInfo.InvariantCulture, $$"""{"lr": {{Math.Pow(10, -4 + (4.0 * (n % 97) / 97))}}}"""), cancellationToken);
                var lease = await store.ClaimTrialAsync(trial.Id, $"bench-{Environment.ProcessId}-{worker}", TimeSpan.FromMinutes(10), cancellationToken);
                var curve = Curve(settings.Seed, n, settings.Epochs);
                var outcome = TrialStatus.Completed;
                for (int epoch = 1; epoch <= settings.Epochs; epoch++)
                {
                    int slot = Interlocked.Increment(ref reports) - 1;
                    if (slot >= settings.Reports)
                    {
                        break;
                    }

                    long start = Stopwatch.GetTimestamp();
                    await store.RecordObservationAsync(lease, epoch, curve[epoch - 1], cancellationToken);
                    var decision = await coordinator.DecideAsync(trial.Id, trial.Number, epoch, curve[epoch - 1], cancellationToken);
                    await store.RecordDecisionAsync(lease, decision.ToRecord(trial.Id, epoch, policy.Name, DateTimeOffset.UtcNow), cancellationToken);
                    latencies[slot] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (decision.ShouldStop)
                    {
                        outcome = TrialStatus.Stopped;
                        Interlocked.Increment(ref stopped);
                        break;
                    }
                }

                await store.FinishTrialAsync(lease, outcome, cancellationToken: cancellationToken);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, settings.Workers).Select(w => Task.Run(() => WorkerAsync(w), cancellationToken)));
        clock.Stop();
        await reporter.DisposeAsync();
        await store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Completed, cancellationToken);
        Array.Sort(latencies);
        var result = new SchedulerBenchResult(
            database.Connection.Provider.ToString(),
            status.ServerVersion,
            database.Connection.Redacted,
            policy.Name,
            settings.Workers,
            settings.Reports,
            trials,
            stopped,
            coordinator.BatchCount,
            clock.Elapsed.TotalSeconds,
            settings.Reports / clock.Elapsed.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.Average());
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench scheduler] {result.Reports:N0} reports in {result.Seconds:F1} s = {result.ReportsPerSecond:F0}/s; p50 {result.P50Milliseconds:F2} ms, p99 {result.P99Milliseconds:F2} ms"));
        return result;
    }

    /// <summary>A noisy saturating accuracy curve for trial <paramref name="number"/> (seeded, so runs repeat).</summary>
    private static double[] Curve(int seed, int number, int epochs)
    {
        var random = new Random(SeedMixer.Mix(seed, number));
        double ceiling = 0.5 + (0.45 * random.NextDouble());
        double drop = 0.2 + (0.4 * random.NextDouble());
        double rate = 0.3 + random.NextDouble();
        return Enumerable.Range(1, epochs)
            .Select(t => Math.Clamp(ceiling - (drop * Math.Pow(t, -rate)) + (0.005 * ((random.NextDouble() * 2) - 1)), 0, 1))
            .ToArray();
    }

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1))];
}
