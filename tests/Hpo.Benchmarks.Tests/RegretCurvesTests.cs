using Hpo.Benchmarks;

namespace Hpo.Benchmarks.Tests;

public sealed class RegretCurvesTests
{
    [Fact]
    public void SpeedUp_SameCurve_IsExactlyOneAndReached()
    {
        double[] curve = [0.5, 0.3, 0.3, 0.2, 0.1, 0.1];

        var s = RegretCurves.SpeedUp(curve, curve);

        Assert.Equal(1, s.Value);
        Assert.True(s.Reached);
        Assert.Equal(5, s.BaselineEpochs);
        Assert.Equal(5, s.PolicyEpochs);
    }

    [Fact]
    public void SpeedUp_PolicyReachesFinalRegretEarlier_IsRatioOfFirstEpochs()
    {
        double[] none = [0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1];
        double[] policy = [0.5, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05];

        var s = RegretCurves.SpeedUp(none, policy);

        Assert.Equal(5.0 / 2, s.Value);
        Assert.Equal(0.1, s.TargetRegret);
    }

    [Fact]
    public void SpeedUp_PolicyNeverReaches_IsMarkedWithLowerBound()
    {
        double[] none = [0.5, 0.4, 0.1, 0.1];
        double[] policy = [0.5, 0.3, 0.2, 0.2];

        var s = RegretCurves.SpeedUp(none, policy);

        Assert.False(s.Reached);
        Assert.Null(s.PolicyEpochs);
        Assert.Equal(3.0 / 4, s.Value);
    }

    [Fact]
    public void Summaries_KnownValues_GeometricMeanMedianAreaAndFraction()
    {
        Assert.Equal(2, RegretCurves.GeometricMean([1, 4]), 12);
        Assert.Equal(2.5, RegretCurves.Median([4, 1, 2, 3]));
        Assert.Equal(0.25, RegretCurves.NormalisedArea([0.4, 0.3, 0.2, 0.1]), 12);
        Assert.Equal(0.3, RegretCurves.At([0.4, 0.3, 0.2, 0.1], 0.5));
        Assert.Equal([2.0, 3.0], RegretCurves.Mean([[1.0, 2.0], [3.0, 4.0]]));
    }
}
