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
    /// <summary>The LC-PFN's method name in reports (<c>lcpfn@NAME</c> per model when several are compared).</summary>
    public const string LcPfnMethod = "lcpfn";

    /// <summary>The baselines' method names in reports, after the LC-PFN rows.</summary>
    public static IReadOnlyList<string> Baselines { get; } = ["last-value", "power-law"];

    /// <summary>Runs the benchmark.</summary>
    /// <param name="pools">The curves of a task (called once per task; the pool size is the curves per task).</param>
    /// <param name="options">The settings.</param>
    /// <param name="models">The LC-PFNs: one unnamed model (method <c>lcpfn</c>), or several named ones (<c>lcpfn@NAME</c> each); every model predicts the same queries in the same batches, so its rows do not depend on the models beside it.</param>
    /// <param name="progress">Progress after every task.</param>
    /// <param name="cancellationToken">Stops between tasks.</param>
    /// <exception cref="ArgumentException">The options or the models are invalid, or a model covers fewer epochs than the curves.</exception>
    public static ExtrapolationReport Run(
        Func<string, LcBenchPool> pools,
        ExtrapolationOptions options,
        IReadOnlyList<BenchmarkModel> models,
        IProgress<BenchmarkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(models);
        options.Validate();
        BenchmarkModel.ValidateList(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("--model: the extrapolation benchmark needs an LC-PFN model.");
        }

        string[] methods = [.. models.Select(m => m.Label(LcPfnMethod)), .. Baselines];
        int baselines = models.Count;
        var watch = Stopwatch.StartNew();

        var perTask = new List<ExtrapolationResult>();
        for (int t = 0; t < options.Tasks.Count; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string taskId = options.Tasks[t];
            progress?.Report(new BenchmarkProgress((double)t / options.Tasks.Count, $"task {t + 1}/{options.Tasks.Count} ({taskId})"));
            var pool = pools(taskId);
            if (models.FirstOrDefault(m => m.Predictor.MaxEpochs < pool.Epochs) is { } tooShort)
            {
                string which = tooShort.Name is null ? "The model" : $"Model '{tooShort.Name}'";
                throw new ArgumentException($"{which} covers {tooShort.Predictor.MaxEpochs} epochs; LCBench curves have {pool.Epochs}. Use a model trained with at least {pool.Epochs} epochs.");
            }

            foreach (int percent in options.CutoffPercents)
            {
                int n = ExtrapolationOptions.ObservedEpochs(percent, pool.Epochs);
                int remaining = pool.Epochs - n;
                var queries = pool.Curves.Select(c => new CurveQuery(c[..n], Enumerable.Range(n + 1, remaining).ToArray())).ToArray();
                var sums = new double[methods.Length, 2];
                for (int i = 0; i < pool.Curves.Count; i++)
                {
                    var curve = pool.Curves[i];
                    var forecasts = new[] { CurveBaselines.LastValue(queries[i].Observed, remaining), CurveBaselines.PowerLaw(queries[i].Observed, remaining) };
                    for (int b = 0; b < forecasts.Length; b++)
                    {
                        double ll = 0, se = 0;
                        for (int k = 0; k < remaining; k++)
                        {
                            double y = curve[n + k];
                            ll += forecasts[b].LogDensity(k, y);
                            se += Square(forecasts[b].Means[k] - y);
                        }

                        sums[baselines + b, 0] += ll / remaining;
                        sums[baselines + b, 1] += se / remaining;
                    }
                }

                for (int m = 0; m < models.Count; m++)
                {
                    var predictions = models[m].Predictor.Predict(queries, cancellationToken);
                    for (int i = 0; i < pool.Curves.Count; i++)
                    {
                        var curve = pool.Curves[i];
                        double ll = 0, se = 0;
                        for (int k = 0; k < remaining; k++)
                        {
                            double y = curve[n + k];
                            var d = predictions[i].AtEpoch[k];
                            ll += d.LogDensity(y);
                            se += Square(d.Quantile(0.5) - y);
                        }

                        sums[m, 0] += ll / remaining;
                        sums[m, 1] += se / remaining;
                    }
                }

                for (int m = 0; m < methods.Length; m++)
                {
                    int count = pool.Curves.Count;
                    perTask.Add(new ExtrapolationResult(taskId, methods[m], percent, n, count, sums[m, 0] / count, sums[m, 1] / count));
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
            .ThenBy(r => Array.IndexOf(methods, r.Method))
            .ToArray();
        return new ExtrapolationReport(options, methods, overall, perTask, watch.Elapsed.TotalSeconds);
    }

    private static double Square(double x) => x * x;
}
