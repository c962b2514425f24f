namespace Hpo.Benchmarks.Extrapolation;

/// <summary>A baseline's forecast of a curve's remainder: a mean per epoch and one Gaussian scale.</summary>
internal sealed record GaussianForecast(double[] Means, double Sigma)
{
    private static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);

    public double LogDensity(int k, double y)
    {
        double z = (y - Means[k]) / Sigma;
        return -LogSqrtTwoPi - Math.Log(Sigma) - (0.5 * z * z);
    }
}
