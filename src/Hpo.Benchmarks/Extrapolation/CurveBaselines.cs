namespace Hpo.Benchmarks.Extrapolation;

/// <summary>
/// Extrapolation baselines that need no training, each with a Gaussian around its point forecast so
/// that it has a log-likelihood to compare with the LC-PFN's.
/// </summary>
internal static class CurveBaselines
{
    /// <summary>
    /// The smallest scale: the surrogate's curves are smooth, and a near-zero scale would turn one
    /// small miss into an unbounded log-likelihood penalty that says nothing about the forecast.
    /// </summary>
    public const double MinSigma = 1e-3;

    private static readonly double[] Exponents = Enumerable.Range(0, 61).Select(i => Math.Pow(10, -2 + (i * 0.05))).ToArray();

    /// <summary>
    /// The last observed value carried forward; the scale is the observed epoch-to-epoch noise,
    /// RMS(successive differences)/√2 (the standard deviation of i.i.d. noise around a flat curve).
    /// </summary>
    public static GaussianForecast LastValue(IReadOnlyList<double> observed, int remaining) =>
        new(Enumerable.Repeat(observed[^1], remaining).ToArray(), DifferenceNoise(observed));

    /// <summary>
    /// The least-squares power law y = a − b·x^(−c) (c on a log grid from 0.01 to 10, a and b exact for
    /// each c); the scale is the residual standard deviation (n − 3 degrees of freedom). Fewer than four
    /// points cannot both fit and measure noise, so they fall back to <see cref="LastValue"/>.
    /// </summary>
    public static GaussianForecast PowerLaw(IReadOnlyList<double> observed, int remaining)
    {
        int n = observed.Count;
        if (n < 4)
        {
            return LastValue(observed, remaining);
        }

        double bestSse = double.PositiveInfinity;
        (double A, double B, double C) best = (observed[^1], 0, 1);
        foreach (double c in Exponents)
        {
            // Linear least squares in (a, b) with regressors 1 and −x^(−c).
            double s1 = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
            for (int i = 0; i < n; i++)
            {
                double x = -Math.Pow(i + 1, -c);
                s1 += 1;
                sx += x;
                sxx += x * x;
                sy += observed[i];
                sxy += x * observed[i];
            }

            double det = (s1 * sxx) - (sx * sx);
            if (Math.Abs(det) < 1e-15)
            {
                continue;
            }

            double a = ((sxx * sy) - (sx * sxy)) / det;
            double b = ((s1 * sxy) - (sx * sy)) / det;
            double sse = 0;
            for (int i = 0; i < n; i++)
            {
                double r = observed[i] - (a - (b * Math.Pow(i + 1, -c)));
                sse += r * r;
            }

            if (sse < bestSse)
            {
                bestSse = sse;
                best = (a, b, c);
            }
        }

        var means = new double[remaining];
        for (int k = 0; k < remaining; k++)
        {
            means[k] = best.A - (best.B * Math.Pow(n + k + 1, -best.C));
        }

        return new GaussianForecast(means, Math.Max(MinSigma, Math.Sqrt(bestSse / (n - 3))));
    }

    private static double DifferenceNoise(IReadOnlyList<double> observed)
    {
        if (observed.Count < 2)
        {
            return MinSigma;
        }

        double sum = 0;
        for (int i = 1; i < observed.Count; i++)
        {
            double d = observed[i] - observed[i - 1];
            sum += d * d;
        }

        return Math.Max(MinSigma, Math.Sqrt(sum / (observed.Count - 1) / 2));
    }
}
