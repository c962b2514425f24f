using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;

namespace Hpo.LcPfn.Distribution;

/// <summary>
/// One full-support bar distribution with concrete bucket probabilities: the answer at one epoch.
/// Immutable, so safe to share between threads.
/// </summary>
public sealed class BarPredictiveDistribution : IPredictiveDistribution
{
    private readonly BarDistribution _shape;
    private readonly double[] _probabilities;
    private readonly double[] _cumulative;

    internal BarPredictiveDistribution(BarDistribution shape, ReadOnlySpan<float> probabilities)
    {
        _shape = shape;
        if (probabilities.Length != shape.BucketCount)
        {
            throw new ArgumentException($"Expected {shape.BucketCount} bucket probabilities; got {probabilities.Length}.", nameof(probabilities));
        }

        _probabilities = new double[probabilities.Length];
        double total = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = probabilities[i];
            if (!(p >= 0) || double.IsInfinity(p))
            {
                throw new ArgumentException($"Bucket probability {i} is {p}; probabilities must be finite and non-negative.", nameof(probabilities));
            }

            _probabilities[i] = p;
            total += p;
        }

        if (!(total > 0))
        {
            throw new ArgumentException("The bucket probabilities sum to 0.", nameof(probabilities));
        }

        // Renormalise in double precision so float32 softmax round-off cannot push the CDF past 1. The
        // mean is accumulated in the same pass: a batch of running trials builds thousands of these per
        // decision round, so every pass over the buckets shows. The tail terms come first, as a separate
        // pass would add them, so the result does not depend on the fusion.
        var borders = shape.BorderSpan;
        var widths = shape.WidthSpan;
        int n = _probabilities.Length;
        double mean = (_probabilities[0] / total * (borders[1] - (shape.LeftTailScale * NormalMath.HalfNormalMeanFactor)))
            + (_probabilities[n - 1] / total * (borders[n - 1] + (shape.RightTailScale * NormalMath.HalfNormalMeanFactor)));
        _cumulative = new double[n];
        double run = _probabilities[0] /= total;
        _cumulative[0] = run;
        for (int i = 1; i < n - 1; i++)
        {
            double p = _probabilities[i] /= total;
            run += p;
            _cumulative[i] = run;
            mean += p * (borders[i] + (widths[i] / 2));
        }

        _probabilities[n - 1] /= total;
        _cumulative[n - 1] = 1;
        Mean = mean;
    }

    /// <summary>The bucket probabilities (summing to 1).</summary>
    public IReadOnlyList<double> Probabilities => _probabilities;

    /// <inheritdoc />
    public double Mean { get; }

    /// <summary>The median, <c>Quantile(0.5)</c>.</summary>
    public double Median => Quantile(0.5);

    /// <inheritdoc />
    public double Quantile(double q)
    {
        if (!(q > 0 && q < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile level must lie strictly between 0 and 1.");
        }

        var borders = _shape.BorderSpan;
        var widths = _shape.WidthSpan;
        int n = _probabilities.Length;
        int i = Array.BinarySearch(_cumulative, q);
        if (i < 0)
        {
            i = ~i;
        }

        i = Math.Min(i, n - 1);
        if (i == 0)
        {
            // p0·2(1 − Φ(d/s)) = q  ⇒  d = s·Φ⁻¹(1 − q/(2·p0)), below Borders[1].
            double u = Math.Min(1, q / _probabilities[0]);
            return borders[1] - _shape.LeftTailScale * NormalMath.Quantile(1 - u / 2);
        }

        if (i == n - 1)
        {
            double u = Math.Min(1, (1 - q) / _probabilities[n - 1]);
            return borders[n - 1] + _shape.RightTailScale * NormalMath.Quantile(1 - u / 2);
        }

        double before = _cumulative[i] - _probabilities[i];
        double fraction = _probabilities[i] > 0 ? Math.Clamp((q - before) / _probabilities[i], 0, 1) : 0;
        return borders[i] + widths[i] * fraction;
    }

    /// <inheritdoc />
    public double Cdf(double y)
    {
        if (double.IsNaN(y))
        {
            throw new ArgumentException("Cannot evaluate the CDF at NaN.", nameof(y));
        }

        var borders = _shape.BorderSpan;
        var widths = _shape.WidthSpan;
        int n = _probabilities.Length;
        if (y <= borders[1])
        {
            return _probabilities[0] * 2 * NormalMath.UpperTail((borders[1] - y) / _shape.LeftTailScale);
        }

        if (y >= borders[n - 1])
        {
            return 1 - _probabilities[n - 1] * 2 * NormalMath.UpperTail((y - borders[n - 1]) / _shape.RightTailScale);
        }

        int i = Bucket(y);
        double before = _cumulative[i] - _probabilities[i];
        return before + _probabilities[i] * Math.Clamp((y - borders[i]) / widths[i], 0, 1);
    }

    /// <inheritdoc />
    public double ProbabilityAbove(double threshold) => 1 - Cdf(threshold);

    /// <inheritdoc />
    public double LogDensity(double y)
    {
        if (double.IsNaN(y))
        {
            throw new ArgumentException("Cannot evaluate the density at NaN.", nameof(y));
        }

        var borders = _shape.BorderSpan;
        int n = _probabilities.Length;
        if (y < borders[1])
        {
            return Math.Log(_probabilities[0]) + HalfNormalLogPdf(borders[1] - y, _shape.LeftTailScale);
        }

        if (y >= borders[n - 1])
        {
            return Math.Log(_probabilities[n - 1]) + HalfNormalLogPdf(y - borders[n - 1], _shape.RightTailScale);
        }

        int i = Bucket(y);
        return Math.Log(_probabilities[i]) - Math.Log(_shape.WidthSpan[i]);
    }

    private static double HalfNormalLogPdf(double distance, double scale) =>
        Math.Log(2) - Math.Log(scale) + NormalMath.LogPdf(distance / scale);

    // The bucket i with Borders[i] ≤ y < Borders[i + 1], for y inside the inner buckets.
    private int Bucket(double y)
    {
        var borders = _shape.BorderSpan;
        int lo = 1;
        int hi = borders.Length - 2;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >> 1;
            if (borders[mid] <= y)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
