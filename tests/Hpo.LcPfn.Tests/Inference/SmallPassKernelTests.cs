using Hpo.LcPfn.Distribution;
using Hpo.LcPfn.Inference;
using Hpo.LcPfn.Model;
using Hpo.LcPfn.Models;
using Hpo.Scheduler.Prediction;

namespace Hpo.LcPfn.Tests.Inference;

/// <summary>
/// The managed forward pass (<see cref="SmallPassKernel"/>) against libtorch's: the predictor routed through each path
/// must give the same bucket probabilities for every layout a decision makes.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SmallPassKernelTests
{
    // Largest difference allowed per bucket probability: float32 sums in another order, and libtorch's own erf
    // approximation inside GELU; the observed differences are about 1e-7.
    private const double Tolerance = 2e-6;

    public static TheoryData<string> Models => new() { "default", "tiny", "odd-sizes" };

    private static LcPfnModel Load(string name) => name switch
    {
        "default" => LcPfnModel.Load(DefaultModelLocator.Require()),
        "tiny" => TinyModels.RandomModel(maxEpochs: 52),
        // Sizes that are not multiples of a vector's width, so every remainder loop of the kernel runs.
        "odd-sizes" => TinyModels.RandomModel(new LcPfnArchitecture { EmbeddingSize = 22, Layers = 2, Heads = 2, Hidden = 37, Buckets = 50, MaxEpochs = 52 }, seed: 5),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Decisions as policies ask for them: single trials and batches, short and long prefixes, one or several query epochs.</summary>
    private static IEnumerable<CurveQuery[]> Passes()
    {
        var random = new Random(20261207);
        CurveQuery Curve(int observed, int[] queries) => new(
            Enumerable.Range(1, observed).Select(t => Math.Clamp(0.2 + (0.6 * (1 - Math.Pow(t, -0.5))) + (0.05 * (random.NextDouble() - 0.5)), 0, 1)).ToArray(),
            queries);

        yield return [Curve(1, [52])];
        yield return [Curve(2, [52])];
        yield return [Curve(3, [52])];
        yield return [Curve(2, [52]), Curve(3, [52]), Curve(2, [52]), Curve(4, [52])];
        yield return [Curve(5, [6, 20, 52])];
        yield return [Curve(9, [52]), Curve(1, [2, 52])];
        yield return [Curve(30, [31, 40, 52])];
        yield return Enumerable.Range(0, 8).Select(i => Curve(1 + (i % 4), [52])).ToArray();
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_ManagedSmallPass_SameProbabilitiesAsLibTorch(string name)
    {
        using var model = Load(name);
        using var managed = new LcPfnPredictor(model, LcPfnPredictor.DefaultMaxBatchCurves, smallPassMaxPositions: int.MaxValue);
        using var libtorch = new LcPfnPredictor(model, LcPfnPredictor.DefaultMaxBatchCurves, smallPassMaxPositions: 0);

        double largest = 0;
        foreach (var pass in Passes())
        {
            var expected = libtorch.Predict(pass);
            var actual = managed.Predict(pass);
            for (int i = 0; i < pass.Length; i++)
            {
                Assert.Equal(expected[i].Epochs, actual[i].Epochs);
                for (int k = 0; k < expected[i].Epochs.Count; k++)
                {
                    var p = ((BarPredictiveDistribution)expected[i].AtEpoch[k]).Probabilities;
                    var q = ((BarPredictiveDistribution)actual[i].AtEpoch[k]).Probabilities;
                    Assert.Equal(p.Count, q.Count);
                    for (int b = 0; b < p.Count; b++)
                    {
                        largest = Math.Max(largest, Math.Abs(p[b] - q[b]));
                    }
                }
            }
        }

        Assert.True(largest <= Tolerance, $"{name}: the managed pass differs from libtorch's by up to {largest:E2} in a bucket probability.");
    }

    [Fact]
    public void Predict_DefaultThreshold_SmallPassesManagedLargeOnesLibTorchAnswersAgree()
    {
        // The predictor as shipped: a single trial's pass (3 positions) runs in managed code, a batch of 64 long curves in
        // libtorch; each answer must equal the one the other path gives.
        using var model = Load("default");
        using var shipped = new LcPfnPredictor(model);
        using var libtorch = new LcPfnPredictor(model, LcPfnPredictor.DefaultMaxBatchCurves, smallPassMaxPositions: 0);
        var small = new CurveQuery([0.3, 0.4], [52]);
        var large = Enumerable.Range(0, 64).Select(i => new CurveQuery(Enumerable.Range(1, 20).Select(t => 0.5 + (0.004 * t) + (0.001 * i)).ToArray(), [52])).ToArray();

        Assert.Equal(libtorch.Predict([small])[0].AtEpoch[0].Mean, shipped.Predict([small])[0].AtEpoch[0].Mean, 1e-5);
        var expected = libtorch.Predict(large);
        var actual = shipped.Predict(large);
        for (int i = 0; i < large.Length; i++)
        {
            Assert.Equal(expected[i].AtEpoch[0].Mean, actual[i].AtEpoch[0].Mean, 1e-9);
        }
    }

    [Fact]
    public void Predict_ConcurrentSmallPasses_EachEqualsItsSequentialAnswer()
    {
        // Small passes take no lock (the kernel's weights are immutable, its scratch space per thread).
        using var model = Load("default");
        using var predictor = new LcPfnPredictor(model);
        var queries = Enumerable.Range(0, 32).Select(i => new CurveQuery([0.2 + (0.01 * i), 0.25 + (0.012 * i), 0.3 + (0.011 * i)], [52])).ToArray();
        double[] sequential = queries.Select(q => predictor.Predict([q])[0].AtEpoch[0].Mean).ToArray();

        var concurrent = new double[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var answers = new double[queries.Length];
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < queries.Length; i++)
                {
                    int index = (i + (worker * 7)) % queries.Length;
                    answers[index] = predictor.Predict([queries[index]])[0].AtEpoch[0].Mean;
                }
            }

            concurrent[worker] = answers;
        });

        foreach (var answers in concurrent)
        {
            Assert.Equal(sequential, answers);
        }
    }

    [Fact]
    public void Predict_SmallPassAfterDispose_ThrowsObjectDisposed()
    {
        var predictor = LcPfnPredictor.LoadDefault();
        predictor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => predictor.Predict([new CurveQuery([0.3, 0.4], [52])]));
    }
}
