using Hpo.LcPfn.Prior;

namespace Hpo.LcPfn.Tests.Prior;

public sealed class LearningCurvePriorTests
{
    private const int T = LearningCurvePrior.DefaultLength;

    [Fact]
    public void Sample_AcceptedCurves_SatisfyEveryRejectionRule()
    {
        var prior = new LearningCurvePrior();
        const int n = 3000;
        var noisy = new float[n * T];
        var clean = new float[n * T];

        prior.SampleMany(42, PriorStream.Training, 0, n, noisy, clean, maxThreads: 2);

        for (int c = 0; c < n; c++)
        {
            var y = clean.AsSpan(c * T, T);
            Assert.True(y[T - 1] > y[0], $"curve {c}: y(T) = {y[T - 1]} ≤ y(1) = {y[0]}");
            foreach (float v in y)
            {
                Assert.False(float.IsNaN(v), $"curve {c} has NaN");
                Assert.InRange(v, 0f, 1f);
            }
        }
    }

    [Fact]
    public void Sample_Noise_IsAddedAfterTheCheckWithTheDrawnScale()
    {
        var prior = new LearningCurvePrior();
        var noisy = new float[T];
        var clean = new float[T];
        int checkedCurves = 0;
        for (int i = 0; i < 400; i++)
        {
            var p = prior.Sample(5, PriorStream.Training, i, noisy, clean);
            double sumSq = 0;
            for (int t = 0; t < T; t++)
            {
                sumSq += Math.Pow(noisy[t] - clean[t], 2);
                Assert.Equal(p.Evaluate(t + 1), clean[t], 1e-6);
            }

            // The residual scale matches σ (100 points: within 50% except for the float rounding floor).
            if (p.NoiseSigma > 1e-3)
            {
                double sd = Math.Sqrt(sumSq / T);
                Assert.InRange(sd / p.NoiseSigma, 0.5, 1.5);
                checkedCurves++;
            }
        }

        Assert.True(checkedCurves > 100);
    }

    [Fact]
    public void Sample_NoiseScaleThree_SameCleanCurveWithThreeTimesTheResidual()
    {
        var plain = new LearningCurvePrior();
        var noisier = new LearningCurvePrior(noiseScale: 3);
        var (n1, c1, n3, c3) = (new float[T], new float[T], new float[T], new float[T]);
        for (int i = 0; i < 50; i++)
        {
            var p1 = plain.Sample(9, PriorStream.Evaluation, i, n1, c1);
            var p3 = noisier.Sample(9, PriorStream.Evaluation, i, n3, c3);
            Assert.Equal(p1, p3);
            Assert.Equal(c1, c3);
            for (int t = 0; t < T; t++)
            {
                // Residuals are the same draw times 3 (float rounding aside).
                Assert.Equal(3 * ((double)n1[t] - c1[t]), (double)n3[t] - c3[t], 1e-4);
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Constructor_NoiseScaleNotPositive_Throws(double scale)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningCurvePrior(noiseScale: scale));
    }

    [Fact]
    public void Draw_ParameterStatistics_MatchTheirDistributions()
    {
        const int n = 200_000;
        var rng = new SeededRandom(9, 99, 0);
        var draws = new PriorCurveParameters[n];
        for (int i = 0; i < n; i++)
        {
            draws[i] = PriorCurveParameters.Draw(ref rng);
        }

        AssertUniform(draws.Select(d => d.W1), 0, 1);
        AssertUniform(draws.Select(d => d.W2), 0, 1);
        AssertUniform(draws.Select(d => d.W3), 0, 1);
        AssertUniform(draws.Select(d => d.Pow3A), -0.6, 0.6);
        AssertUniform(draws.Select(d => d.Pow3C), 0, 1.25);
        AssertNormal(draws.Select(d => Math.Log(d.Pow3Alpha)), 0, 2);
        AssertUniform(draws.Select(d => d.Ilog2C), 0, 1);
        AssertUniform(draws.Select(d => d.Ilog2A), -0.5, 0.5);
        AssertUniform(draws.Select(d => d.JanAlpha), 0, 1);
        AssertUniform(draws.Select(d => d.JanBeta), 0, 2);
        AssertNormal(draws.Select(d => Math.Log(d.JanKappa)), -2, 1);
        AssertNormal(draws.Select(d => Math.Log(d.JanDelta)), 0, 0.5);
        AssertNormal(draws.Select(d => Math.Log(d.NoiseSigma)), -4, 1);
    }

    [Fact]
    public void SampleMany_SameSeed_GivesSameCurvesWhateverTheThreadCount()
    {
        var prior = new LearningCurvePrior();
        var a = new float[200 * T];
        var b = new float[200 * T];
        var c = new float[200 * T];

        prior.SampleMany(7, PriorStream.Training, 1000, 200, a, maxThreads: 1);
        prior.SampleMany(7, PriorStream.Training, 1000, 200, b, maxThreads: 2);
        prior.SampleMany(8, PriorStream.Training, 1000, 200, c, maxThreads: 2);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void SampleMany_DifferentStreams_GiveDifferentCurves()
    {
        var prior = new LearningCurvePrior();
        var a = new float[10 * T];
        var b = new float[10 * T];

        prior.SampleMany(7, PriorStream.Training, 0, 10, a);
        prior.SampleMany(7, PriorStream.Evaluation, 0, 10, b);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Constructor_LengthBelowTwo_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LearningCurvePrior(1));
        Assert.Contains("at least 2 epochs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_SpanTooShort_ThrowsNamingTheSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LearningCurvePrior().Sample(1, PriorStream.Training, 0, new float[10]));
        Assert.Contains("10", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertUniform(IEnumerable<double> values, double low, double high)
    {
        var v = values.ToArray();
        Assert.All(v, x => Assert.InRange(x, low, high));
        double mean = v.Average();
        double variance = v.Select(x => (x - mean) * (x - mean)).Average();
        double expectedVariance = (high - low) * (high - low) / 12;
        Assert.InRange(mean, (low + high) / 2 - 5 * Math.Sqrt(expectedVariance / v.Length), (low + high) / 2 + 5 * Math.Sqrt(expectedVariance / v.Length));
        Assert.InRange(variance / expectedVariance, 0.98, 1.02);
    }

    private static void AssertNormal(IEnumerable<double> values, double mu, double sigma)
    {
        var v = values.ToArray();
        double mean = v.Average();
        double sd = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average());
        double skew = v.Select(x => Math.Pow((x - mean) / sd, 3)).Average();
        Assert.InRange(mean, mu - 5 * sigma / Math.Sqrt(v.Length), mu + 5 * sigma / Math.Sqrt(v.Length));
        Assert.InRange(sd / sigma, 0.98, 1.02);
        Assert.InRange(skew, -0.03, 0.03);
    }
}
