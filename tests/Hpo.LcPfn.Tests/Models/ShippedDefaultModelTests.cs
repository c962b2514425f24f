using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Models;
using Hpo.LcPfn.Prior;

namespace Hpo.LcPfn.Tests.Models;

/// <summary>
/// Guards the model shipped in models/: it must be found from the test output (as from any app's output)
/// and must actually have learned the prior — random or broken weights fail these tests.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ShippedDefaultModelTests
{
    // A seed and stream never used by training (which uses seed 0, streams Training/Borders).
    private const ulong HeldOutSeed = 20261128;
    private const int Curves = 1000;
    private const int Cutoff = 20;

    [Fact]
    public void Find_FromTestOutput_LocatesTheShippedModelBesideTheAssembly()
    {
        string? path = DefaultModelLocator.Find();

        Assert.NotNull(path);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models", DefaultModelLocator.FileName), path);
    }

    [Fact]
    public void LogLikelihood_HeldOutPriorCurvesAtTwentyPercent_BeatsLastValueGaussianByClearMargin()
    {
        using var predictor = LcPfnPredictor.LoadDefault();
        var (model, baseline) = HeldOutScores(predictor);

        Assert.True(PassesLikelihoodBar(model), $"shipped model's held-out log-likelihood at {Cutoff}% is {model:F3}; a trained model reaches about 2");
        Assert.True(PassesMargin(model, baseline), $"model {model:F3} vs last-value Gaussian {baseline:F3}: the margin should be over 0.5 nat");
    }

    [Fact]
    public void LogLikelihood_UntrainedModelOfOneHundredEpochs_FailsTheGuard()
    {
        // The guard must be able to fail: random weights in place of the shipped model's do not pass it.
        using var untrained = TinyModels.RandomModel(maxEpochs: 100);
        using var predictor = new LcPfnPredictor(untrained);
        var (model, baseline) = HeldOutScores(predictor);

        Assert.False(PassesLikelihoodBar(model) && PassesMargin(model, baseline), $"an untrained model passed the guard: log-likelihood {model:F3}, last-value Gaussian {baseline:F3}");
    }

    [Fact]
    public void Evaluate_ShippedModelWithBfloat16Weights_HeldOutScoresWithinATenthOfAPercentOfFloat32()
    {
        // The predictor serves the weights rounded to bfloat16 (LcPfnModel.WithBfloat16Weights); this bounds what that
        // costs on held-out prior curves at an early and a late cut-off (measured on 2,000 curves: at most 2e-4 nat).
        using var stored = LcPfnModel.Load(DefaultModelLocator.Require());
        using var rounded = stored.WithBfloat16Weights();
        var options = new Hpo.LcPfn.Evaluation.LcPfnEvaluationOptions { Curves = 300, Cutoffs = [2, 20], Seed = HeldOutSeed };

        var exact = Hpo.LcPfn.Evaluation.LcPfnEvaluator.Evaluate(stored, options);
        var served = Hpo.LcPfn.Evaluation.LcPfnEvaluator.Evaluate(rounded, options);

        for (int i = 0; i < exact.Count; i++)
        {
            Assert.NotEqual(exact[i].LogLikelihood, served[i].LogLikelihood);
            Assert.True(Math.Abs(exact[i].LogLikelihood - served[i].LogLikelihood) <= 1e-3 * Math.Abs(exact[i].LogLikelihood),
                $"cut-off {exact[i].Cutoff}: log-likelihood {exact[i].LogLikelihood:F5} in float32, {served[i].LogLikelihood:F5} in bfloat16");
            Assert.True(Math.Abs(exact[i].MedianMse - served[i].MedianMse) <= 1e-2 * exact[i].MedianMse,
                $"cut-off {exact[i].Cutoff}: median MSE {exact[i].MedianMse:E4} in float32, {served[i].MedianMse:E4} in bfloat16");
        }
    }

    private static bool PassesLikelihoodBar(double model) => model > 1.8;

    private static bool PassesMargin(double model, double baseline) => model > baseline + 0.5;

    /// <summary>The model's and the last-value Gaussian's mean held-out log-likelihood of the unseen remainder at the cut-off.</summary>
    private static (double Model, double Baseline) HeldOutScores(LcPfnPredictor predictor)
    {
        var prior = new LearningCurvePrior(predictor.MaxEpochs);
        int length = predictor.MaxEpochs;
        var noisy = new float[Curves * length];
        prior.SampleMany(HeldOutSeed, PriorStream.Evaluation, 0, Curves, noisy);

        // The predictor refuses observed values outside [-0.5, 1.5] as un-normalised input; the rare prior
        // curve whose noise is that large is left out (and at most a few percent may be).
        var kept = Enumerable.Range(0, Curves)
            .Where(c => noisy.AsSpan(c * length, Cutoff).ToArray().All(v => v is >= -0.5f and <= 1.5f))
            .ToList();
        Assert.True(kept.Count >= Curves * 0.95, $"only {kept.Count} of {Curves} held-out curves are in the model's input range");
        var queries = kept
            .Select(c => new CurveQuery([.. noisy.AsSpan(c * length, Cutoff).ToArray().Select(v => (double)v)], [.. Enumerable.Range(Cutoff + 1, length - Cutoff)]))
            .ToList();

        var predictions = predictor.Predict(queries);

        double model = 0;
        double baseline = 0;
        for (int k = 0; k < kept.Count; k++)
        {
            int c = kept[k];
            var curve = noisy.AsSpan(c * length, length);
            var observed = curve[..Cutoff];
            // Baseline: a Gaussian centred on the last observed value, its scale the observed epoch-to-epoch noise.
            double last = observed[^1];
            double sumSq = 0;
            for (int i = 1; i < observed.Length; i++)
            {
                sumSq += Math.Pow(observed[i] - observed[i - 1], 2);
            }

            double sigma = Math.Max(Math.Sqrt(sumSq / (2.0 * (observed.Length - 1))), 1e-3);
            double m = 0;
            double b = 0;
            for (int t = Cutoff; t < length; t++)
            {
                double y = curve[t];
                m += predictions[k].AtEpoch[t - Cutoff].LogDensity(y);
                b += (-0.5 * Math.Pow((y - last) / sigma, 2)) - Math.Log(sigma * Math.Sqrt(2 * Math.PI));
            }

            model += m / (length - Cutoff);
            baseline += b / (length - Cutoff);
        }

        return (model / kept.Count, baseline / kept.Count);
    }
}
