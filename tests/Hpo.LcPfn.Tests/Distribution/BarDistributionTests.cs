using Hpo.LcPfn.Distribution;
using TorchSharp;

namespace Hpo.LcPfn.Tests.Distribution;

[Collection(TorchCollection.Name)]
public sealed class BarDistributionTests
{
    private static readonly BarDistribution Shape = new(TinyModels.Borders());

    private static float[] RandomProbabilities(int seed, double temperature = 2.0)
    {
        var rng = new Random(seed);
        var logits = Enumerable.Range(0, Shape.BucketCount).Select(_ => rng.NextDouble() * temperature * 4).ToArray();
        double max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => (float)(x / sum)).ToArray();
    }

    public static TheoryData<int> Seeds => new() { 1, 2, 3 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void LogDensity_IntegratedOverTheRealLine_IsOne(int seed)
    {
        var d = Shape.FromProbabilities(RandomProbabilities(seed));
        var b = Shape.Borders;

        // Inside the inner buckets the density is constant: integrate exactly at each midpoint.
        double inner = 0;
        for (int i = 1; i < Shape.BucketCount - 1; i++)
        {
            inner += Math.Exp(d.LogDensity((b[i] + b[i + 1]) / 2)) * (b[i + 1] - b[i]);
        }

        double left = Simpson(y => Math.Exp(d.LogDensity(y)), b[1] - 14 * Shape.LeftTailScale, b[1] - 1e-12);
        double right = Simpson(y => Math.Exp(d.LogDensity(y)), b[^2], b[^2] + 14 * Shape.RightTailScale);

        Assert.Equal(1.0, inner + left + right, 1e-6);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Quantile_IncreasingLevels_AreMonotone(int seed)
    {
        var d = Shape.FromProbabilities(RandomProbabilities(seed));
        double previous = double.NegativeInfinity;
        for (double q = 1e-6; q < 1; q += 0.0013)
        {
            double x = d.Quantile(q);
            Assert.True(x >= previous, $"Quantile({q}) = {x} < {previous}");
            previous = x;
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Cdf_OfQuantile_ReturnsTheLevel(int seed)
    {
        var d = Shape.FromProbabilities(RandomProbabilities(seed));
        foreach (double q in new[] { 1e-6, 0.001, 0.01, 0.05, 0.2, 0.5, 0.77, 0.95, 0.99, 0.999, 1 - 1e-6 })
        {
            Assert.Equal(q, d.Cdf(d.Quantile(q)), 1e-9);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void LogDensity_MatchesFiniteDifferenceOfCdf(int seed)
    {
        var d = Shape.FromProbabilities(RandomProbabilities(seed));
        var b = Shape.Borders;
        var points = new List<double> { b[1] - 2 * Shape.LeftTailScale, b[1] - 0.3 * Shape.LeftTailScale, b[^2] + 0.5 * Shape.RightTailScale, b[^2] + 3 * Shape.RightTailScale };
        for (int i = 1; i < Shape.BucketCount - 1; i += 7)
        {
            points.Add(b[i] + 0.37 * (b[i + 1] - b[i]));
        }

        foreach (double y in points)
        {
            double h = 1e-7;
            double numeric = (d.Cdf(y + h) - d.Cdf(y - h)) / (2 * h);
            Assert.Equal(Math.Log(numeric), d.LogDensity(y), 1e-4);
        }
    }

    [Fact]
    public void Cdf_FarOutside_ApproachesZeroAndOne()
    {
        var d = Shape.FromProbabilities(RandomProbabilities(4));
        Assert.InRange(d.Cdf(-1e6), 0, 1e-12);
        Assert.InRange(d.Cdf(1e6), 1 - 1e-12, 1);
        Assert.True(double.IsFinite(d.LogDensity(Shape.Borders[0] - 1)));
        Assert.Equal(1 - d.Cdf(0.6), d.ProbabilityAbove(0.6), 15);
    }

    [Fact]
    public void Mean_MatchesNumericalIntegral()
    {
        var d = Shape.FromProbabilities(RandomProbabilities(5));
        var b = Shape.Borders;
        double mean = Simpson(y => y * Math.Exp(d.LogDensity(y)), b[1] - 14 * Shape.LeftTailScale, b[1] - 1e-12)
            + Simpson(y => y * Math.Exp(d.LogDensity(y)), b[^2], b[^2] + 14 * Shape.RightTailScale);
        for (int i = 1; i < Shape.BucketCount - 1; i++)
        {
            mean += Math.Exp(d.LogDensity((b[i] + b[i + 1]) / 2)) * (b[i + 1] - b[i]) * (b[i] + b[i + 1]) / 2;
        }

        Assert.Equal(mean, d.Mean, 1e-6);
    }

    [Fact]
    public void TorchBatchOperations_MatchThePerDistributionObjects()
    {
        using var scope = torch.NewDisposeScope();
        var rows = Enumerable.Range(10, 6).Select(s => RandomProbabilities(s)).ToArray();
        var logits = torch.tensor(rows.SelectMany(r => r.Select(p => (float)Math.Log(p))).ToArray(), [2, 3, Shape.BucketCount]);
        var cpu = rows.Select(r => Shape.FromProbabilities(r)).ToArray();
        var b = Shape.Borders;
        double[] ys = [b[1] - 0.01, 0.3, 0.55, 0.8, b[^2] + 0.02, 0.97];
        var y = torch.tensor(ys, [2, 3]).to_type(torch.ScalarType.Float32);

        var logDensity = Shape.LogDensity(logits, y).data<float>().ToArray();
        var cdf = Shape.Cdf(logits, y).data<float>().ToArray();
        var above = Shape.ProbabilityAbove(logits, y).data<float>().ToArray();
        var mean = Shape.Mean(logits).data<float>().ToArray();
        var q10 = Shape.Quantile(logits, 0.1).data<float>().ToArray();
        var q97 = Shape.Quantile(logits, 0.97).data<float>().ToArray();

        for (int i = 0; i < 6; i++)
        {
            double yi = (float)ys[i];
            Assert.Equal(cpu[i].LogDensity(yi), logDensity[i], 3e-4);
            Assert.Equal(cpu[i].Cdf(yi), cdf[i], 1e-5);
            Assert.Equal(cpu[i].ProbabilityAbove(yi), above[i], 1e-5);
            Assert.Equal(cpu[i].Mean, mean[i], 1e-5);
            Assert.Equal(cpu[i].Quantile(0.1), q10[i], 1e-5);
            Assert.Equal(cpu[i].Quantile(0.97), q97[i], 1e-5);
        }
    }

    [Fact]
    public void BordersFromSamples_EveryBucket_HoldsEqualMass()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 10_000).Select(_ => (float)(rng.NextDouble() * rng.NextDouble())).ToArray();

        var borders = BarDistribution.BordersFromSamples(values, 100);

        Assert.Equal(101, borders.Length);
        Assert.Equal(values.Min(), borders[0]);
        Assert.Equal(values.Max(), borders[^1]);
        for (int i = 0; i < 100; i++)
        {
            int inBucket = values.Count(v => v >= borders[i] && (v < borders[i + 1] || (i == 99 && v <= borders[i + 1])));
            Assert.Equal(100, inBucket);
        }
    }

    [Fact]
    public void Constructor_NonIncreasingBorders_ThrowsNamingTheBorder()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BarDistribution([0.0, 0.5, 0.5, 1.0]));
        Assert.Contains("strictly increasing", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BarDistribution([0.0, 1.0]));
        Assert.Throws<ArgumentException>(() => new BarDistribution([0.0, double.NaN, 1.0]));
    }

    [Fact]
    public void LogDensity_WrongBucketCount_ThrowsNamingTheShape()
    {
        using var logits = torch.zeros(2, 7);
        using var y = torch.zeros(2);
        var ex = Assert.Throws<ArgumentException>(() => Shape.LogDensity(logits, y));
        Assert.Contains($"{Shape.BucketCount}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantile_LevelOutsideOpenUnitInterval_Throws()
    {
        var d = Shape.FromProbabilities(RandomProbabilities(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Quantile(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Quantile(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Quantile(double.NaN));
    }

    private static double Simpson(Func<double, double> f, double a, double b, int n = 20_000)
    {
        double h = (b - a) / n;
        double sum = f(a) + f(b);
        for (int i = 1; i < n; i++)
        {
            sum += f(a + i * h) * (i % 2 == 1 ? 4 : 2);
        }

        return sum * h / 3;
    }
}
