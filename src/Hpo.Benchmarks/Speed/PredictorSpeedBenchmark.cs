using System.Diagnostics;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Benchmarks.Speed;

/// <summary>
/// The speed of the LC-PFN stopping decision, timed through the product's policy (scaling, the model's
/// forward pass, the stopping statistic): latency of one decision for one trial at cut-offs
/// <see cref="PredictorSpeedOptions.MinCutoff"/>..<see cref="PredictorSpeedOptions.MaxCutoff"/>, and the
/// throughput of deciding a batch of running trials in one call (as the coordinator does).
/// </summary>
/// <remarks>
/// A forward pass costs the same whatever the values, so the curves are fixed, smooth, accuracy-like
/// curves; only their lengths matter.
/// </remarks>
public static class PredictorSpeedBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static PredictorSpeedReport Run(ICurvePredictor predictor, PredictorSpeedOptions options, IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var policy = new LcPfnStoppingPolicy(predictor, new LcPfnPolicyOptions { Horizon = options.Horizon });
        var metric = new MetricSettings(MetricDirection.Maximize, options.Epochs, 0, 1);
        var cutoffs = Enumerable.Range(options.MinCutoff, options.MaxCutoff - options.MinCutoff + 1).ToArray();
        var batch = Enumerable.Range(0, options.BatchSize)
            .Select(i => Report(i, options.BatchSize == 1 ? options.MinCutoff : options.MinCutoff + (int)Math.Round((double)i * (options.MaxCutoff - options.MinCutoff) / (options.BatchSize - 1))))
            .ToArray();
        var batchContext = new StoppingContext(metric, batch, 0.9);
        var single = new List<(int Cutoff, double Ms)>();
        var batchTimes = new List<double>();
        int rounds = options.Warmup + options.Repetitions;
        for (int round = 0; round < rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool timed = round >= options.Warmup;
            progress?.Report(new BenchmarkProgress((double)round / rounds, timed ? $"round {round - options.Warmup + 1}/{options.Repetitions}" : $"warm-up {round + 1}/{options.Warmup}"));
            foreach (int cutoff in cutoffs)
            {
                var report = Report(0, cutoff);
                var context = new StoppingContext(metric, [report], 0.9);
                long start = Stopwatch.GetTimestamp();
                policy.Decide(context, [report], cancellationToken);
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (timed)
                {
                    single.Add((cutoff, ms));
                }
            }

            long batchStart = Stopwatch.GetTimestamp();
            policy.Decide(batchContext, batch, cancellationToken);
            double batchMs = Stopwatch.GetElapsedTime(batchStart).TotalMilliseconds;
            if (timed)
            {
                batchTimes.Add(batchMs);
            }
        }

        progress?.Report(new BenchmarkProgress(1, "done"));
        var singleMs = single.Select(s => s.Ms).ToArray();
        double batchP50 = Percentile(batchTimes, 50);
        return new PredictorSpeedReport(
            options,
            Percentile(singleMs, 50),
            Percentile(singleMs, 99),
            singleMs.Average(),
            singleMs.Length,
            batchP50,
            Percentile(batchTimes, 99),
            options.BatchSize / (batchP50 / 1000),
            single.GroupBy(s => s.Cutoff).Select(g => (g.Key, Percentile(g.Select(s => s.Ms).ToArray(), 50))).ToArray());
    }

    /// <summary>The p-th percentile (nearest rank) of <paramref name="values"/>.</summary>
    internal static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        int rank = Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length), 1, sorted.Length);
        return sorted[rank - 1];
    }

    private static TrialCurve Report(int index, int cutoff)
    {
        // A typical accuracy curve (fast rise, slow saturation) with a per-trial offset.
        double ceiling = 0.70 + (0.2 * ((index * 37 % 64) / 64.0));
        var values = Enumerable.Range(1, cutoff).Select(t => ceiling - (0.45 * Math.Pow(t, -0.8))).ToArray();
        return new TrialCurve(index + 1, index + 1, values);
    }
}
