using Hpo.Benchmarks.Extrapolation;

namespace Hpo.Benchmarks.Tests;

public sealed class CurveBaselinesTests
{
    [Fact]
    public void PowerLaw_ExactPowerLawCurve_ExtrapolatesItExactly()
    {
        static double Curve(int x) => 0.9 - (0.5 * Math.Pow(x, -1.0));
        var observed = Enumerable.Range(1, 10).Select(Curve).ToArray();

        var forecast = CurveBaselines.PowerLaw(observed, 5);

        for (int k = 0; k < 5; k++)
        {
            Assert.Equal(Curve(11 + k), forecast.Means[k], 6);
        }

        Assert.Equal(CurveBaselines.MinSigma, forecast.Sigma);
    }

    [Fact]
    public void LastValue_NoisyFlatCurve_CarriesTheLastValueWithDifferenceNoise()
    {
        double[] observed = [0.5, 0.52, 0.5, 0.52];

        var forecast = CurveBaselines.LastValue(observed, 3);

        Assert.Equal([0.52, 0.52, 0.52], forecast.Means);
        Assert.Equal(0.02 / Math.Sqrt(2), forecast.Sigma, 12);
        Assert.True(forecast.LogDensity(0, 0.52) > forecast.LogDensity(0, 0.60));
    }

    [Fact]
    public void PowerLaw_FewerThanFourPoints_FallsBackToLastValue()
    {
        var forecast = CurveBaselines.PowerLaw([0.2, 0.4, 0.5], 2);

        Assert.Equal([0.5, 0.5], forecast.Means);
    }
}
