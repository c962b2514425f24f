using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using TorchSharp;

namespace Hpo.LcPfn.Tests.Inference;

[Collection(TorchCollection.Name)]
public sealed class LcPfnPredictorTests
{
    private static readonly CurveQuery[] Mixed =
    [
        new([0.2, 0.3, 0.35], [4, 10, 20]),
        new([0.5], [2]),
        new([0.1, 0.2, 0.25, 0.3, 0.33, 0.36, 0.38], [8, 9, 15, 19, 20]),
        new([0.6, 0.62], [20, 3]),
    ];

    private static void AssertSame(CurvePrediction expected, CurvePrediction actual)
    {
        Assert.Equal(expected.Epochs, actual.Epochs);
        for (int k = 0; k < expected.Epochs.Count; k++)
        {
            Assert.Equal(expected.AtEpoch[k].Mean, actual.AtEpoch[k].Mean, 1e-5);
            foreach (double q in new[] { 0.05, 0.5, 0.95 })
            {
                Assert.Equal(expected.AtEpoch[k].Quantile(q), actual.AtEpoch[k].Quantile(q), 1e-5);
            }
        }
    }

    [Fact]
    public void Predict_BatchOfDifferentLengths_EqualsOneByOne()
    {
        using var model = TinyModels.RandomModel();
        using var predictor = new LcPfnPredictor(model);

        var batched = predictor.Predict(Mixed);

        for (int i = 0; i < Mixed.Length; i++)
        {
            AssertSame(predictor.Predict([Mixed[i]])[0], batched[i]);
        }
    }

    /// <summary>Running trials as the stopping policy asks about them: prefixes 2..60, every remaining epoch queried.</summary>
    private static CurveQuery[] RunningTrials(int maxEpochs) => Enumerable.Range(2, 59)
        .Select(n => new CurveQuery(
            Enumerable.Range(1, n).Select(t => 0.8 - (0.5 * Math.Pow(t, -0.7)) + (0.01 * (n % 7))).ToArray(),
            Enumerable.Range(n + 1, maxEpochs - n).ToArray()))
        .ToArray();

    [Fact]
    public void Predict_MixedBatchOfRunningTrials_EqualsOneByOne()
    {
        using var model = TinyModels.RandomModel(maxEpochs: 100);
        using var predictor = new LcPfnPredictor(model);
        var trials = RunningTrials(100);

        var batched = predictor.Predict(trials);

        for (int i = 0; i < trials.Length; i++)
        {
            AssertSame(predictor.Predict([trials[i]])[0], batched[i]);
        }
    }

    [Fact]
    public void Predict_MixedBatchOfRunningTrials_MatchesThePrefixAlignedLayout()
    {
        // The layout used before queries were packed after each curve's own prefix: every curve's
        // queries started after the batch's longest prefix. The mask makes the two equivalent. The predictor serves the
        // weights rounded to bfloat16, so the reference runs the same rounded network.
        using var model = TinyModels.RandomModel(maxEpochs: 100);
        using var predictor = new LcPfnPredictor(model);
        using var served = model.WithBfloat16Weights();
        var trials = RunningTrials(100);
        int maxObserved = trials.Max(q => q.Observed.Count);
        int maxQueries = trials.Max(q => q.QueryEpochs.Count);
        int seq = maxObserved + maxQueries;
        var epochs = new float[trials.Length * seq];
        var values = new float[trials.Length * seq];
        var observed = new float[trials.Length * seq];
        Array.Fill(epochs, 1f);
        for (int i = 0; i < trials.Length; i++)
        {
            for (int j = 0; j < trials[i].Observed.Count; j++)
            {
                epochs[(i * seq) + j] = j + 1;
                values[(i * seq) + j] = (float)trials[i].Observed[j];
                observed[(i * seq) + j] = 1;
            }

            for (int k = 0; k < trials[i].QueryEpochs.Count; k++)
            {
                epochs[(i * seq) + maxObserved + k] = trials[i].QueryEpochs[k];
            }
        }

        float[] probabilities;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var hidden = served.Network.forward(torch.tensor(epochs, [trials.Length, seq]), torch.tensor(values, [trials.Length, seq]), torch.tensor(observed, [trials.Length, seq]));
            probabilities = torch.nn.functional.softmax(served.Network.Decode(hidden.narrow(1, maxObserved, maxQueries)), -1).contiguous().data<float>().ToArray();
        }

        var actual = predictor.Predict(trials);

        int buckets = model.Architecture.Buckets;
        for (int i = 0; i < trials.Length; i++)
        {
            for (int k = 0; k < trials[i].QueryEpochs.Count; k++)
            {
                var expected = model.Distribution.FromProbabilities(probabilities.AsSpan(((i * maxQueries) + k) * buckets, buckets));
                Assert.Equal(expected.Mean, actual[i].AtEpoch[k].Mean, 1e-5);
                Assert.Equal(expected.Quantile(0.5), actual[i].AtEpoch[k].Quantile(0.5), 1e-5);
                Assert.Equal(expected.ProbabilityAbove(0.7), actual[i].AtEpoch[k].ProbabilityAbove(0.7), 1e-5);
            }
        }
    }

    [Fact]
    public void Predict_NoQueryEpochsBesideOtherCurves_ReturnsAnEmptyPredictionForIt()
    {
        using var model = TinyModels.RandomModel();
        using var predictor = new LcPfnPredictor(model);

        var result = predictor.Predict([Mixed[0], new CurveQuery([0.3, 0.4], []), Mixed[2]]);

        Assert.Empty(result[1].Epochs);
        AssertSame(predictor.Predict([Mixed[0]])[0], result[0]);
        AssertSame(predictor.Predict([Mixed[2]])[0], result[2]);
    }

    [Fact]
    public void Predict_SplitIntoSmallForwardPasses_GivesTheSameAnswers()
    {
        using var model = TinyModels.RandomModel();
        using var big = new LcPfnPredictor(model);
        using var small = new LcPfnPredictor(model, maxBatchCurves: 1);

        var a = big.Predict(Mixed);
        var b = small.Predict(Mixed);

        for (int i = 0; i < Mixed.Length; i++)
        {
            AssertSame(a[i], b[i]);
        }
    }

    [Fact]
    public void Predict_ConcurrentCallers_GetTheSequentialAnswers()
    {
        using var model = TinyModels.RandomModel();
        using var predictor = new LcPfnPredictor(model, maxBatchCurves: 2);
        var expected = predictor.Predict(Mixed);

        var results = new IReadOnlyList<CurvePrediction>[8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = predictor.Predict(Mixed));

        foreach (var r in results)
        {
            for (int i = 0; i < Mixed.Length; i++)
            {
                AssertSame(expected[i], r[i]);
            }
        }
    }

    [Fact]
    public void Predict_Distribution_IsConsistent()
    {
        using var model = TinyModels.RandomModel();
        using var predictor = new LcPfnPredictor(model);

        var d = predictor.Predict([new CurveQuery([0.3, 0.4, 0.45], [20])])[0].AtEpoch[0];

        Assert.True(d.Quantile(0.05) < d.Quantile(0.5) && d.Quantile(0.5) < d.Quantile(0.95));
        Assert.Equal(0.5, d.Cdf(d.Quantile(0.5)), 1e-9);
        Assert.Equal(1 - d.Cdf(0.4), d.ProbabilityAbove(0.4), 12);
        Assert.True(double.IsFinite(d.LogDensity(0.4)));
        Assert.InRange(d.Mean, model.Distribution.Borders[0] - 1, model.Distribution.Borders[^1] + 1);
    }

    [Fact]
    public void Predict_NoQueryEpochs_ReturnsAnEmptyPrediction()
    {
        using var model = TinyModels.RandomModel();
        using var predictor = new LcPfnPredictor(model);

        var result = predictor.Predict([new CurveQuery([0.3], [])]);

        Assert.Empty(result[0].Epochs);
        Assert.Equal(0, result[0].MaxProbabilityAbove(0.5));
    }

    public static TheoryData<double[], int[], string> BadQueries => new()
    {
        { Array.Empty<double>(), new[] { 5 }, "no observed values" },
        { new[] { 0.3, double.NaN }, new[] { 5 }, "epoch 2 is NaN" },
        { new[] { 0.3, double.PositiveInfinity }, new[] { 5 }, "finite" },
        { new[] { 41.0, 55.0 }, new[] { 5 }, "outside the range this model supports" },
        { new[] { 0.3 }, new[] { 0 }, "epoch 0; epochs start at 1" },
        { new[] { 0.3 }, new[] { 21 }, "epoch 21, outside the model's range 1..20" },
        { Enumerable.Repeat(0.5, 21).ToArray(), new[] { 5 }, "21 observed epochs" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public void Predict_BadInput_ThrowsNamingTheProblem(double[] observed, int[] epochs, string expected)
    {
        using var model = TinyModels.RandomModel();
        using var predictor = new LcPfnPredictor(model);

        var ex = Assert.Throws<ArgumentException>(() => predictor.Predict([new CurveQuery([0.5], [3]), new CurveQuery(observed, epochs)]));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Query 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SavedModel_AnswersLikeTheOriginal()
    {
        using var model = TinyModels.RandomModel();
        string path = Path.Combine(TinyModels.TempDirectory(), "m.lcpfn");
        model.Save(path);
        using var original = new LcPfnPredictor(model);
        using var loaded = LcPfnPredictor.Load(path);

        Assert.Equal(20, loaded.MaxEpochs);
        var a = original.Predict(Mixed);
        var b = loaded.Predict(Mixed);
        for (int i = 0; i < Mixed.Length; i++)
        {
            AssertSame(a[i], b[i]);
        }
    }

    [Fact]
    public void Predict_AfterDispose_Throws()
    {
        var predictor = LcPfnPredictor.Load(SaveTemp());
        predictor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => predictor.Predict(Mixed));
    }

    private static string SaveTemp()
    {
        using var model = TinyModels.RandomModel();
        string path = Path.Combine(TinyModels.TempDirectory(), "m.lcpfn");
        model.Save(path);
        return path;
    }
}
