using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Benchmarks;
using Hpo.Scheduler.Tests.TestDoubles;

namespace Hpo.Benchmarks.Tests;

public sealed class MemoizingCurvePredictorTests
{
    private static CurveQuery Query(params double[] observed) => new(observed, Enumerable.Range(observed.Length + 1, 3).ToArray());

    [Fact]
    public void Predict_SameQueryTwice_AsksTheInnerPredictorOnceAndReturnsTheSameAnswer()
    {
        var inner = new ExtrapolatingCurvePredictor();
        var memo = new MemoizingCurvePredictor(inner);

        var first = memo.Predict([Query(0.3, 0.4)]);
        var second = memo.Predict([Query(0.3, 0.4)]);

        Assert.Single(inner.BatchSizes);
        Assert.Same(first[0], second[0]);
        Assert.Equal(1, memo.Hits);
        Assert.Equal(1, memo.Misses);
    }

    [Fact]
    public void Prefetch_ManyQueriesWithDuplicates_OneInnerCallForTheDistinctOnes()
    {
        var inner = new ExtrapolatingCurvePredictor();
        var memo = new MemoizingCurvePredictor(inner);

        memo.Prefetch([Query(0.3, 0.4), Query(0.3, 0.5), Query(0.3, 0.4)]);
        var answers = memo.Predict([Query(0.3, 0.5), Query(0.3, 0.4)]);

        Assert.Equal([2], inner.BatchSizes);
        Assert.Equal(2, answers.Count);
        Assert.Equal(2, memo.Misses);
    }

    [Fact]
    public void Prefetch_ShortAndLongPrefixes_OneInnerCallPerLengthBand()
    {
        var inner = new ExtrapolatingCurvePredictor();
        var memo = new MemoizingCurvePredictor(inner);
        var longPrefix = Enumerable.Range(1, 30).Select(t => t / 40.0).ToArray();

        memo.Prefetch([Query(0.3, 0.4), Query(longPrefix), Query(0.2, 0.3)]);

        Assert.Equal([2, 1], inner.BatchSizes);
        Assert.Equal(3, memo.Misses);
    }

    [Fact]
    public void Predict_DifferentQueryEpochs_AreDifferentQueries()
    {
        var inner = new ExtrapolatingCurvePredictor();
        var memo = new MemoizingCurvePredictor(inner);

        memo.Predict([new CurveQuery([0.3, 0.4], [3, 4])]);
        memo.Predict([new CurveQuery([0.3, 0.4], [3])]);

        Assert.Equal([1, 1], inner.BatchSizes);
    }

    [Fact]
    public void Predict_CapacityExceeded_ForgetsAndStillAnswers()
    {
        var inner = new ExtrapolatingCurvePredictor();
        var memo = new MemoizingCurvePredictor(inner, capacityBytes: 200);

        memo.Predict([Query(0.1, 0.2)]);
        memo.Predict([Query(0.2, 0.3)]);
        var again = memo.Predict([Query(0.1, 0.2)]);

        Assert.Single(again);
        Assert.Equal(3, inner.BatchSizes.Count);
    }
}
