using Hpo.Scheduler.Prediction;

namespace Hpo.Scheduler.Tests.TestDoubles;

/// <summary>A normal distribution N(mean, sd²) with a real CDF, quantile and density.</summary>
internal sealed class GaussianDistribution(double mean, double sd) : IPredictiveDistribution
{
    public double Mean { get; } = mean;

    public double StandardDeviation { get; } = sd;

    public double Cdf(double y) => 0.5 * Erfc(-(y - Mean) / (StandardDeviation * Math.Sqrt(2)));

    public double ProbabilityAbove(double threshold) => 1 - Cdf(threshold);

    public double LogDensity(double y)
    {
        double z = (y - Mean) / StandardDeviation;
        return (-0.5 * z * z) - Math.Log(StandardDeviation * Math.Sqrt(2 * Math.PI));
    }

    public double Quantile(double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(q, 1);

        // Bisection on the CDF: slow but exact to 1e-12, which is all a test double needs.
        double lo = Mean - (40 * StandardDeviation), hi = Mean + (40 * StandardDeviation);
        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            if (Cdf(mid) < q)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    // Numerical Recipes' erfcc coefficients; static, so that the bisection allocates nothing (allocation tests count bytes).
    private static readonly double[] ErfcCoefficients = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

    // Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7).
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        var c = ErfcCoefficients;
        double poly = 0;
        for (int i = c.Length - 1; i >= 0; i--)
        {
            poly = c[i] + (t * poly);
        }

        double r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }
}
