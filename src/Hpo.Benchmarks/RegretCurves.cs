namespace Hpo.Benchmarks;

/// <summary>Statistics of regret curves (lcbench-protocol.md): mean curves, speed-ups, summaries over tasks.</summary>
public static class RegretCurves
{
    // Means over orderings of identical sequences can differ in the last bits depending on summation;
    // comparisons against a target regret allow this much.
    private const double Tolerance = 1e-12;

    /// <summary>The mean over <paramref name="curves"/> at every index (all curves of equal length).</summary>
    public static double[] Mean(IReadOnlyList<double[]> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0)
        {
            throw new ArgumentException("No curves to average.", nameof(curves));
        }

        var mean = new double[curves[0].Length];
        foreach (var c in curves)
        {
            for (int i = 0; i < mean.Length; i++)
            {
                mean[i] += c[i];
            }
        }

        for (int i = 0; i < mean.Length; i++)
        {
            mean[i] /= curves.Count;
        }

        return mean;
    }

    /// <summary>
    /// The speed-up of a policy over no stopping: R0 = the baseline's mean regret at the end of the budget,
    /// E0 = the first epoch count at which the baseline's mean curve reaches R0, and speed-up = E0 ÷ the
    /// first epoch count at which the policy's mean curve is ≤ R0. When the policy never gets there, the
    /// result is marked not reached and its value E0 ÷ budget is a lower bound.
    /// </summary>
    public static SpeedUp SpeedUp(double[] baselineMean, double[] policyMean)
    {
        ArgumentNullException.ThrowIfNull(baselineMean);
        ArgumentNullException.ThrowIfNull(policyMean);
        if (baselineMean.Length == 0 || baselineMean.Length != policyMean.Length)
        {
            throw new ArgumentException("The curves must be non-empty and of equal length.", nameof(policyMean));
        }

        double r0 = baselineMean[^1];
        int e0 = FirstAtOrBelow(baselineMean, r0)!.Value;
        int? e = FirstAtOrBelow(policyMean, r0);
        return e is { } reached
            ? new SpeedUp((double)e0 / reached, true, e0, reached, r0)
            : new SpeedUp((double)e0 / policyMean.Length, false, e0, null, r0);
    }

    /// <summary>The geometric mean of positive values.</summary>
    public static double GeometricMean(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Count == 0 ? double.NaN : Math.Exp(values.Average(v => Math.Log(v)));
    }

    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The area under a regret curve normalised by its length (its mean value).</summary>
    public static double NormalisedArea(double[] curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return curve.Length == 0 ? double.NaN : curve.Average();
    }

    /// <summary>The value after <paramref name="fraction"/> of the budget (fraction in (0, 1]).</summary>
    public static double At(double[] curve, double fraction)
    {
        ArgumentNullException.ThrowIfNull(curve);
        int e = Math.Clamp((int)Math.Round(fraction * curve.Length), 1, curve.Length);
        return curve[e - 1];
    }

    private static int? FirstAtOrBelow(double[] curve, double level)
    {
        for (int i = 0; i < curve.Length; i++)
        {
            if (curve[i] <= level + Tolerance)
            {
                return i + 1;
            }
        }

        return null;
    }
}
