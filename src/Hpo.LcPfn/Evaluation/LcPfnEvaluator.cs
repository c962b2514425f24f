using System.Diagnostics;
using Hpo.LcPfn.Models;
using Hpo.LcPfn.Prior;
using Hpo.LcPfn.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Evaluation;

/// <summary>
/// Evaluates a model the way the paper does: on curves drawn from the prior (a stream that training
/// never uses), observe the first c epochs, predict the rest in one pass, and score the noisy remainder.
/// </summary>
public static class LcPfnEvaluator
{
    /// <summary>Runs the evaluation; one result per cut-off, in the order given.</summary>
    /// <exception cref="ArgumentException">Invalid options for this model.</exception>
    public static IReadOnlyList<CutoffEvaluation> Evaluate(
        LcPfnModel model,
        LcPfnEvaluationOptions options,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        int seq = model.Architecture.MaxEpochs;
        options.Validate(seq);
        TorchRuntime.EnsureLoaded();
        model.Network.eval();

        var prior = new LearningCurvePrior(seq, options.NoiseScale);
        var bar = model.Distribution;
        var results = new List<CutoffEvaluation>();
        long total = (long)options.Curves * options.Cutoffs.Count;
        long done = 0;
        foreach (int cutoff in options.Cutoffs)
        {
            double ll = 0;
            double mse = 0;
            double coverage = 0;
            var forwardTime = TimeSpan.Zero;
            for (int start = 0; start < options.Curves; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(options.BatchSize, options.Curves - start);
                var values = new float[count * seq];
                prior.SampleMany(options.Seed, PriorStream.Evaluation, start, count, values);

                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var y = tensor(values, [count, seq]);
                var epochs = arange(1, seq + 1, dtype: ScalarType.Float32).unsqueeze(0).expand(count, seq);
                var observed = arange(seq).lt(cutoff).to_type(ScalarType.Float32).unsqueeze(0);
                var watch = Stopwatch.StartNew();
                var logits = model.Network.Decode(model.Network.forward(epochs, y, observed).narrow(1, cutoff, seq - cutoff));
                _ = logits.sum().item<float>();
                forwardTime += watch.Elapsed;

                // Scores in float64: the sums run over up to millions of points.
                var target = y.narrow(1, cutoff, seq - cutoff).to_type(ScalarType.Float64);
                var logits64 = logits.to_type(ScalarType.Float64);
                ll += bar.LogDensity(logits64, target).mean(dimensions: [1]).sum().item<double>();
                var median = bar.Quantile(logits64, 0.5);
                mse += (median - target).square().mean(dimensions: [1]).sum().item<double>();
                var low = bar.Quantile(logits64, 0.05);
                var high = bar.Quantile(logits64, 0.95);
                coverage += target.ge(low).logical_and(target.le(high)).to_type(ScalarType.Float64).mean(dimensions: [1]).sum().item<double>();

                done += count;
                progress?.Report(new EvaluationProgress(done, total, cutoff));
            }

            results.Add(new CutoffEvaluation(
                cutoff,
                options.Curves,
                ll / options.Curves,
                mse / options.Curves,
                coverage / options.Curves,
                forwardTime.TotalMilliseconds / options.Curves));
        }

        return results;
    }
}
