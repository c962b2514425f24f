using System.Diagnostics;
using System.Globalization;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Schema;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Benchmarks.Throughput;

/// <summary>
/// Measures the store as workers use it: observation writes one by one and batched (each writer on its own
/// running trial, as in a fleet), and the scheduler's hot read, the curves of many running trials in one call.
/// It writes a fresh experiment named <c>bench-storage-…</c> and leaves it, marked Completed.
/// </summary>
internal sealed class StorageBenchmark(StorageBenchSettings settings, TextWriter progress)
{
    public async Task<StorageBenchResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var services = new ServiceCollection()
            .AddHpoStorage(o =>
            {
                o.Connection = settings.Connection;
                o.ApplicationName = "hpo bench";
                o.MigrateOnStart = settings.Migrate;
                o.MaxBatchSize = Math.Max(settings.BatchSize, 1);
            })
            .BuildServiceProvider();
        var database = services.GetRequiredService<HpoDatabase>();
        await database.EnsureReadyAsync(cancellationToken);
        var status = await database.GetSchemaStatusAsync(cancellationToken);
        var store = services.GetRequiredService<IExperimentStore>();
        Log($"{status.ServerVersion} at {database.Connection.Redacted}; schema {status.Describe()}");

        int perWriterSingle = Math.Max(settings.SingleObservations / settings.Writers, 1);
        int perWriterBatched = Math.Max(settings.BatchedObservations / settings.Writers, 1);
        int maxEpochs = Math.Max(Math.Max(perWriterSingle, perWriterBatched), settings.CurveEpochs);
        var experiment = await store.CreateExperimentAsync(
            new ExperimentSpec(
                $"bench-storage-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}",
                "val_accuracy",
                MetricDirection.Maximize,
                0,
                1,
                maxEpochs,
                """{"lr": {"type": "float", "low": 0.0001, "high": 1, "log": true}}""",
                """{"kind": "random"}""",
                """{"kind": "none"}"""),
            cancellationToken);
        await store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Running, cancellationToken);

        var single = await WritePhaseAsync(store, experiment.Id, "single", perWriterSingle, batchSize: 1, cancellationToken);
        var batched = await WritePhaseAsync(store, experiment.Id, "batched", perWriterBatched, settings.BatchSize, cancellationToken);
        var curves = await ReadPhaseAsync(store, experiment.Id, cancellationToken);
        await store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Completed, cancellationToken);
        return new StorageBenchResult(database.Connection.Provider.ToString(), status.ServerVersion, database.Connection.Redacted, single, batched, curves);
    }

    private async Task<StorageBenchResult.WriteFigures> WritePhaseAsync(IExperimentStore store, long experimentId, string name, int perWriter, int batchSize, CancellationToken cancellationToken)
    {
        var leases = await ClaimTrialsAsync(store, experimentId, settings.Writers, cancellationToken);
        int total = perWriter * settings.Writers;
        Log($"{name}: {settings.Writers} writers x {perWriter} observations, {batchSize} per call");
        long written = 0;
        using var reporter = Reporter(name, total, () => Interlocked.Read(ref written));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(leases.Select(lease => Task.Run(
            async () =>
            {
                for (int epoch = 1; epoch <= perWriter; epoch += batchSize)
                {
                    var batch = Enumerable.Range(epoch, Math.Min(batchSize, perWriter - epoch + 1)).Select(e => (e, Curve(lease.TrialId, e))).ToList();
                    if (batch.Count == 1)
                    {
                        await store.RecordObservationAsync(lease, batch[0].e, batch[0].Item2, cancellationToken);
                    }
                    else
                    {
                        await store.RecordObservationsAsync(lease, batch, cancellationToken);
                    }

                    Interlocked.Add(ref written, batch.Count);
                }
            },
            cancellationToken)));
        clock.Stop();
        foreach (var lease in leases)
        {
            await store.FinishTrialAsync(lease, TrialStatus.Completed, cancellationToken: cancellationToken);
        }

        double perSecond = total / clock.Elapsed.TotalSeconds;
        Log($"{name}: {total} observations in {clock.Elapsed.TotalSeconds:F2} s = {perSecond:F0}/s");
        return new StorageBenchResult.WriteFigures(settings.Writers, batchSize, total, clock.Elapsed.TotalSeconds, perSecond);
    }

    private async Task<StorageBenchResult.ReadFigures> ReadPhaseAsync(IExperimentStore store, long experimentId, CancellationToken cancellationToken)
    {
        Log($"curves: preparing {settings.CurveTrials} running trials x {settings.CurveEpochs} epochs");
        var leases = await ClaimTrialsAsync(store, experimentId, settings.CurveTrials, cancellationToken);
        foreach (var lease in leases)
        {
            var curve = Enumerable.Range(1, settings.CurveEpochs).Select(e => (e, Curve(lease.TrialId, e))).ToList();
            foreach (var chunk in curve.Chunk(Math.Max(settings.BatchSize, 1)))
            {
                await store.RecordObservationsAsync(lease, chunk, cancellationToken);
            }
        }

        var ids = leases.Select(l => l.TrialId).ToList();
        var latencies = new double[settings.CurveReads];
        await store.GetCurvesAsync(ids, cancellationToken);
        Log($"curves: {settings.CurveReads} reads of {ids.Count} curves");
        for (int i = 0; i < latencies.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var curves = await store.GetCurvesAsync(ids, cancellationToken);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (curves.Values.Sum(c => c.Count) != ids.Count * settings.CurveEpochs)
            {
                throw new InvalidOperationException($"A curve read returned {curves.Values.Sum(c => c.Count)} observations; {ids.Count * settings.CurveEpochs} were written.");
            }
        }

        foreach (var lease in leases)
        {
            await store.FinishTrialAsync(lease, TrialStatus.Completed, cancellationToken: cancellationToken);
        }

        Array.Sort(latencies);
        var figures = new StorageBenchResult.ReadFigures(ids.Count, settings.CurveEpochs, latencies.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Average());
        Log($"curves: p50 {figures.P50Milliseconds:F2} ms, p99 {figures.P99Milliseconds:F2} ms");
        return figures;
    }

    private static async Task<List<TrialLease>> ClaimTrialsAsync(IExperimentStore store, long experimentId, int count, CancellationToken cancellationToken)
    {
        var leases = new List<TrialLease>(count);
        for (int i = 0; i < count; i++)
        {
            var trial = await store.CreateTrialAsync(experimentId, string.Create(CultureInfo.InvariantCulture, $$"""{"lr": {{0.001 * (i + 1)}}}"""), cancellationToken);
            leases.Add(await store.ClaimTrialAsync(trial.Id, $"bench-{Environment.ProcessId}-{i}", TimeSpan.FromMinutes(10), cancellationToken));
        }

        return leases;
    }

    // A plausible saturating learning curve, distinct per trial.
    private static double Curve(long trialId, int epoch) => Math.Round(0.9 - (0.5 / epoch) - (trialId % 17 / 1000.0), 9);

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private Timer Reporter(string name, int total, Func<long> done) =>
        new(_ => Log($"{name}: {done()}/{total}"), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

    private void Log(string message)
    {
        lock (progress)
        {
            progress.WriteLine($"[bench storage] {message}");
        }
    }
}
