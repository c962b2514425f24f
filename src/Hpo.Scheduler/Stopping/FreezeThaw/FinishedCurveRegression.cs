using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Scheduler.Stopping.FreezeThaw;

/// <summary>
/// The experiment's own finished curves as a task-specific predictor: for a curve observed up to epoch k, a least-squares
/// line from the value at epoch k to the best value after epoch k, fitted over every finished trial, and the Gaussian
/// prediction interval around it. Finished trials are the ones the policy let run, so the fit is selected on its input
/// (early values) more than on its output; what it measures is how this task's curves go on from where they are.
/// </summary>
internal sealed class FinishedCurveRegression
{
    private readonly double[][] _finished;
    private readonly Dictionary<int, Fit?> _fits = [];

    private FinishedCurveRegression(double[][] finished) => _finished = finished;

    /// <summary>The finished curves of <paramref name="context"/> in model space, or null when there are fewer than <paramref name="minimum"/>.</summary>
    public static FinishedCurveRegression? For(StoppingContext context, MetricScale scale, int minimum)
    {
        var finished = new List<double[]>();
        foreach (var curve in context.Curves)
        {
            if (curve.Epoch == context.MaxEpochs)
            {
                var values = new double[curve.Epoch];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = scale.ToModel(curve.Values[i]);
                }

                finished.Add(values);
            }
        }

        return finished.Count >= minimum ? new FinishedCurveRegression([.. finished]) : null;
    }

    /// <summary>P(the best value after the curve's last epoch &gt; <paramref name="bestModel"/>), or null when the fit is degenerate.</summary>
    public double? ProbabilityAbove(TrialCurve curve, MetricScale scale, double bestModel)
    {
        int k = curve.Epoch;
        if (k < 1 || k >= _finished[0].Length)
        {
            return null;
        }

        if (!_fits.TryGetValue(k, out var fit))
        {
            fit = Fit.Of(_finished, k);
            _fits[k] = fit;
        }

        if (fit is null)
        {
            return null;
        }

        double x = scale.ToModel(curve.Values[k - 1]);
        double mean = fit.Intercept + (fit.Slope * x);
        double sd = fit.ResidualSd * Math.Sqrt(1 + (1.0 / fit.Count) + ((x - fit.MeanX) * (x - fit.MeanX) / fit.Sxx));
        return 0.5 * NormalTail((bestModel - mean) / sd);
    }

    // erfc(z / √2) = 2 · P(Z > z).
    private static double NormalTail(double z) => Erfc(z / Math.Sqrt(2));

    // Numerical Recipes' erfc (fractional error < 1.2e-7).
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double poly = 0.17087277;
        foreach (double c in (ReadOnlySpan<double>)[-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223])
        {
            poly = (poly * t) + c;
        }

        double r = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }

    private sealed record Fit(double Intercept, double Slope, double MeanX, double Sxx, double ResidualSd, int Count)
    {
        public static Fit? Of(double[][] finished, int k)
        {
            int n = finished.Length;
            double mx = 0, my = 0;
            var ys = new double[n];
            for (int i = 0; i < n; i++)
            {
                double after = double.NegativeInfinity;
                for (int t = k; t < finished[i].Length; t++)
                {
                    after = Math.Max(after, finished[i][t]);
                }

                ys[i] = after;
                mx += finished[i][k - 1];
                my += after;
            }

            mx /= n;
            my /= n;
            double sxx = 0, sxy = 0;
            for (int i = 0; i < n; i++)
            {
                double dx = finished[i][k - 1] - mx;
                sxx += dx * dx;
                sxy += dx * (ys[i] - my);
            }

            if (n < 3 || sxx <= 1e-12)
            {
                return null;
            }

            double slope = sxy / sxx;
            double intercept = my - (slope * mx);
            double rss = 0;
            for (int i = 0; i < n; i++)
            {
                double r = ys[i] - intercept - (slope * finished[i][k - 1]);
                rss += r * r;
            }

            // A floor keeps a near-perfect fit from claiming certainty.
            double sd = Math.Max(Math.Sqrt(rss / (n - 2)), 1e-4);
            return new Fit(intercept, slope, mx, sxx, sd, n);
        }
    }
}
