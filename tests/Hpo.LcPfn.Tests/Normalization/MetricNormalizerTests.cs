using Hpo.LcPfn.Normalization;

namespace Hpo.LcPfn.Tests.Normalization;

public sealed class MetricNormalizerTests
{
    public static TheoryData<double, double, bool, double, double> Cases => new()
    {
        { 0, 1, false, double.NegativeInfinity, double.PositiveInfinity },
        { 0, 1, false, 0, 1 },
        { 0, 100, false, 0, 100 },
        { 0, 2.5, true, 0, double.PositiveInfinity },
        { -3, 5, false, double.NegativeInfinity, 10 },
        { 0.1, 0.4, true, 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NormalizeThenDenormalize_RoundTrips(double softLower, double softUpper, bool minimize, double hardLower, double hardUpper)
    {
        var n = new MetricNormalizer(softLower, softUpper, minimize, hardLower, hardUpper);
        double lo = double.IsFinite(hardLower) ? hardLower + 1e-3 : softLower - 2;
        double hi = double.IsFinite(hardUpper) ? hardUpper - 1e-3 : softUpper + 2;
        for (int i = 0; i <= 50; i++)
        {
            double x = lo + (hi - lo) * i / 50;
            double y = n.Normalize(x);
            Assert.InRange(y, 0, 1);
            Assert.Equal(x, n.Denormalize(y), 1e-6 * Math.Max(1, Math.Abs(x)));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Normalize_IsMonotoneAndOrientedSoHigherIsBetter(double softLower, double softUpper, bool minimize, double hardLower, double hardUpper)
    {
        var n = new MetricNormalizer(softLower, softUpper, minimize, hardLower, hardUpper);
        double a = n.Normalize(softLower + 0.25 * (softUpper - softLower));
        double b = n.Normalize(softLower + 0.75 * (softUpper - softLower));

        Assert.True(minimize ? a > b : a < b);
    }

    [Fact]
    public void Normalize_HardBounds_MapOntoZeroAndOne()
    {
        var accuracy = MetricNormalizer.Percentage();
        Assert.Equal(0, accuracy.Normalize(0), 12);
        Assert.Equal(1, accuracy.Normalize(100), 12);
        Assert.Equal(0.5, accuracy.Normalize(50), 12);

        var error = MetricNormalizer.ErrorRate();
        Assert.Equal(1, error.Normalize(0), 12);
        Assert.Equal(0, error.Normalize(1), 12);
    }

    [Fact]
    public void Normalize_SoftRange_IsMappedNearlyLinearly()
    {
        // Inside the soft range the sigmoid is close to linear: equal steps give similar increments.
        var n = new MetricNormalizer(0, 1);
        double first = n.Normalize(0.1) - n.Normalize(0);
        double middle = n.Normalize(0.55) - n.Normalize(0.45);
        Assert.InRange(first / middle, 0.75, 1.0);
    }

    [Fact]
    public void Loss_UnboundedAbove_StaysInsideTheUnitInterval()
    {
        var n = MetricNormalizer.Loss(2.0);
        Assert.Equal(1, n.Normalize(0), 12);
        Assert.InRange(n.Normalize(50), 0, 1e-6);
        Assert.True(n.Normalize(0.5) > n.Normalize(1.5));
        Assert.Equal(0.95, n.ModelQuantileLevel(0.05));
    }

    [Fact]
    public void Normalize_ValueOutsideHardBounds_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MetricNormalizer.Percentage().Normalize(101));
        Assert.Contains("101", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => MetricNormalizer.Fraction().Normalize(double.NaN));
    }

    [Theory]
    [InlineData(1, 0, double.NegativeInfinity, double.PositiveInfinity)]
    [InlineData(0, 1, 0.5, 2)]
    [InlineData(0, 1, -1, 0.5)]
    [InlineData(0, double.PositiveInfinity, -1, double.PositiveInfinity)]
    public void Constructor_InconsistentBounds_Throws(double softLower, double softUpper, double hardLower, double hardUpper)
    {
        Assert.Throws<ArgumentException>(() => new MetricNormalizer(softLower, softUpper, false, hardLower, hardUpper));
    }
}
