using Hpo.LcPfn.Distribution;

namespace Hpo.LcPfn.Tests.Distribution;

public sealed class NormalMathTests
{
    // Reference values from Python's math.erfc: Φ(x) = erfc(−x/√2)/2.
    [Theory]
    [InlineData(-5.0, 2.866515718791946e-07)]
    [InlineData(-2.0, 0.02275013194817922)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(-0.3, 0.3820885778110474)]
    [InlineData(0.0, 0.5)]
    [InlineData(0.5, 0.6914624612740131)]
    [InlineData(3.0, 0.9986501019683699)]
    public void Cdf_KnownPoints_MatchReference(double x, double expected)
    {
        Assert.Equal(expected, NormalMath.Cdf(x), 1e-14 + 1e-12 * expected);
    }

    [Theory]
    [InlineData(1e-10, -6.361340902404056)]
    [InlineData(0.01, -2.3263478740408408)]
    [InlineData(0.3, -0.5244005127080407)]
    [InlineData(0.9, 1.2815515655446008)]
    [InlineData(0.999999, 4.753424308817089)]
    public void Quantile_KnownLevels_MatchReference(double p, double expected)
    {
        Assert.Equal(expected, NormalMath.Quantile(p), 1e-12);
    }

    [Fact]
    public void Quantile_ThenCdf_RoundTrips()
    {
        for (double p = 0.001; p < 1; p += 0.0123)
        {
            Assert.Equal(p, NormalMath.Cdf(NormalMath.Quantile(p)), 1e-13);
        }
    }
}
