using System.Diagnostics;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;

namespace Hpo.Benchmarks.Extrapolation;

/// <summary>
/// Extrapolation quality on surrogate LCBench curves (the YAHPO Gym surrogate's predictions): for each curve and cut-off, the LC-PFN's predictive
/// distribution of the unseen remainder against two baselines that need no training (last value carried
/// forward, least-squares power law), by mean log-likelihood and mean squared error.
/// </summary>
/// <remarks>
/// LCBench's val_accuracy/100 is already higher-is-better in [0, 1], the LC-PFN's space, so the curves
/// go to the model unchanged and all three methods are scored in the same units.
/// </remarks>
public static class ExtrapolationBenchmark
{
    /// <summary>The method names in reports.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["lcpfn", "last-value", "power-law"];

    /// <summary>Runs the benchmark.</summary>
    /// <param name="pools">The curves of a task (called once per task; the pool size is the curves per task).</param>
    /// <param name="options">The settings.</param>
    /// <param name="predictor">The LC-PFN.</param>
    /// <param name="progress">Progress after every task.</param>
    /// <param name="cancellationToken">Stops between tasks.</param>
    /// <exception cref="ArgumentException">The options are invalid, or the model covers fewer epochs than the curves.</exception>
    public static ExtrapolationReport Run(
        Func<string, LcBenchPool> pools,
        ExtrapolationOptions options,
        ICurvePredictor predictor,
        IProgress<BenchmarkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(predictor);
        options.Validate();
        var watch = Stopwatch.StartNew();

        var perTask = new List<ExtrapolationResult>();
        for (int t = 0; t < options.Tasks.Count; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string taskId = options.Tasks[t];
            progress?.Report(new BenchmarkProgress((double)t / options.Tasks.Count, $"task {t + 1}/{options.Tasks.Count} ({taskId})"));
            var pool = pools(taskId);
            if (predictor.MaxEpochs < pool.Epochs)
            {
                throw new ArgumentException($"The model covers {predictor.MaxEpochs} epochs; LCBench curves have {pool.Epochs}. Use a model trained with at least {pool.Epochs} epochs.");
            }

            foreach (int percent in options.CutoffPercents)
            {
                int n = ExtrapolationOptions.ObservedEpochs(percent, pool.Epochs);
                int remaining = pool.Epochs - n;
                var queries = pool.Curves.Select(c => new CurveQuery(c[..n], Enumerable.Range(n + 1, remaining).ToArray())).ToArray();
                var predictions = predictor.Predict(queries, cancellationToken);
                var sums = new double[Methods.Count, 2];
                for (int i = 0; i < pool.Curves.Count; i++)
                {
                    var curve = pool.Curves[i];
                    var lastValue = CurveBaselines.LastValue(queries[i].Observed, remaining);
                    var powerLaw = CurveBaselines.PowerLaw(queries[i].Observed, remaining);
                    double[] ll = new double[Methods.Count];
                    double[] se = new double[Methods.Count];
                    for (int k = 0; k < remaining; k++)
                    {
                        double y = curve[n + k];
                        var d = predictions[i].AtEpoch[k];
                        ll[0] += d.LogDensity(y);
                        se[0] += Square(d.Quantile(0.5) - y);
                        ll[1] += lastValue.LogDensity(k, y);
                        se[1] += Square(lastValue.Means[k] - y);
                        ll[2] += powerLaw.LogDensity(k, y);
                        se[2] += Square(powerLaw.Means[k] - y);
                    }

                    for (int m = 0; m < Methods.Count; m++)
                    {
                        sums[m, 0] += ll[m] / remaining;
                        sums[m, 1] += se[m] / remaining;
                    }
                }

                for (int m = 0; m < Methods.Count; m++)
                {
                    int count = pool.Curves.Count;
                    perTask.Add(new ExtrapolationResult(taskId, Methods[m], percent, n, count, sums[m, 0] / count, sums[m, 1] / count));
                }
            }
        }

        progress?.Report(new BenchmarkProgress(1, "done"));
        var overall = perTask
            .GroupBy(r => (r.Method, r.CutoffPercent, r.ObservedEpochs))
            .Select(g => new ExtrapolationResult(
                "all",
                g.Key.Method,
                g.Key.CutoffPercent,
                g.Key.ObservedEpochs,
                g.Sum(r => r.Curves),
                g.Sum(r => r.LogLikelihood * r.Curves) / g.Sum(r => r.Curves),
                g.Sum(r => r.Mse * r.Curves) / g.Sum(r => r.Curves)))
            .OrderBy(r => r.CutoffPercent)
            .ThenBy(r => Methods.ToList().IndexOf(r.Method))
            .ToArray();
        return new ExtrapolationReport(options, overall, perTask, watch.Elapsed.TotalSeconds);
    }

    private static double Square(double x) => x * x;
}
