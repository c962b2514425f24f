using System.Globalization;

namespace Hpo.LcPfn.Normalization;

/// <summary>
/// Maps a metric into the LC-PFN's space (higher is better, in [0, 1]) and back, following the
/// reference implementation's scheme (automl/lcpfn <c>pfn_normalize</c>): the soft bounds
/// [<see cref="SoftLower"/>, <see cref="SoftUpper"/>] (where the metric usually lies) are mapped
/// linearly onto [−1, 1], where the logistic sigmoid is nearly linear; the sigmoid is then scaled and
/// shifted so that the hard bounds [<see cref="HardLower"/>, <see cref="HardUpper"/>] (what the metric
/// can possibly be, ±∞ when unbounded) map exactly onto [0, 1]; a minimised metric is flipped (1 − v).
/// The mapping is strictly monotone, so quantiles map through it (with the order reversed when minimising).
/// </summary>
public sealed class MetricNormalizer
{
    // Above this, exp(−lin(lower)) overflows the formulas; like the reference, treat the bound as −∞.
    private const double OverflowGuard = 1e300;

    private readonly double _a;
    private readonly double _b;

    /// <summary>Creates a normaliser.</summary>
    /// <param name="softLower">Where the metric's typical range starts.</param>
    /// <param name="softUpper">Where the metric's typical range ends (&gt; <paramref name="softLower"/>).</param>
    /// <param name="minimize">True for a metric where lower is better (a loss, an error rate).</param>
    /// <param name="hardLower">The smallest possible value (≤ <paramref name="softLower"/>), or −∞.</param>
    /// <param name="hardUpper">The largest possible value (≥ <paramref name="softUpper"/>), or +∞.</param>
    /// <exception cref="ArgumentException">The bounds are NaN or out of order.</exception>
    public MetricNormalizer(double softLower, double softUpper, bool minimize = false, double hardLower = double.NegativeInfinity, double hardUpper = double.PositiveInfinity)
    {
        if (double.IsNaN(softLower) || double.IsNaN(softUpper) || double.IsNaN(hardLower) || double.IsNaN(hardUpper))
        {
            throw new ArgumentException("Normalisation bounds must not be NaN.");
        }

        if (!double.IsFinite(softLower) || !double.IsFinite(softUpper))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The soft bounds must be finite; got [{softLower}, {softUpper}]."));
        }

        if (!(hardLower <= softLower && softLower < softUpper && softUpper <= hardUpper))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Normalisation bounds must satisfy hard lower ≤ soft lower < soft upper ≤ hard upper; got {hardLower} ≤ {softLower} < {softUpper} ≤ {hardUpper}."));
        }

        SoftLower = softLower;
        SoftUpper = softUpper;
        Minimize = minimize;
        HardUpper = hardUpper;
        HardLower = double.IsFinite(hardLower) && Math.Exp(-Lin(hardLower)) > OverflowGuard ? double.NegativeInfinity : hardLower;

        bool lowerInfinite = double.IsNegativeInfinity(HardLower);
        bool upperInfinite = double.IsPositiveInfinity(HardUpper);
        if (lowerInfinite && upperInfinite)
        {
            (_a, _b) = (1, 0);
        }
        else if (lowerInfinite)
        {
            (_a, _b) = (1 + Math.Exp(-Lin(HardUpper)), 0);
        }
        else if (upperInfinite)
        {
            _a = 1 / (1 - Sigmoid(Lin(HardLower)));
            _b = 1 - _a;
        }
        else
        {
            double el = Math.Exp(-Lin(HardLower));
            double eu = Math.Exp(-Lin(HardUpper));
            _a = (1 + eu + el + eu * el) / (el - eu);
            _b = -_a / (1 + el);
        }
    }

    /// <summary>Lower end of the metric's typical range.</summary>
    public double SoftLower { get; }

    /// <summary>Upper end of the metric's typical range.</summary>
    public double SoftUpper { get; }

    /// <summary>Smallest possible value (−∞ when unbounded).</summary>
    public double HardLower { get; }

    /// <summary>Largest possible value (+∞ when unbounded).</summary>
    public double HardUpper { get; }

    /// <summary>True when lower metric values are better.</summary>
    public bool Minimize { get; }

    /// <summary>An accuracy-like metric in [0, 1], higher is better.</summary>
    public static MetricNormalizer Fraction() => new(0, 1, minimize: false, hardLower: 0, hardUpper: 1);

    /// <summary>An accuracy-like metric in percent [0, 100], higher is better.</summary>
    public static MetricNormalizer Percentage() => new(0, 100, minimize: false, hardLower: 0, hardUpper: 100);

    /// <summary>An error rate in [0, 1], lower is better.</summary>
    public static MetricNormalizer ErrorRate() => new(0, 1, minimize: true, hardLower: 0, hardUpper: 1);

    /// <summary>
    /// A non-negative loss, lower is better, typically below <paramref name="typicalMax"/> (e.g. the first
    /// epoch's loss); larger losses still map into (0, 1) through the sigmoid.
    /// </summary>
    public static MetricNormalizer Loss(double typicalMax) => new(0, typicalMax, minimize: true, hardLower: 0);

    /// <summary>Metric value → model space.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or outside the hard bounds.</exception>
    public double Normalize(double value)
    {
        if (double.IsNaN(value) || value < HardLower || value > HardUpper)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, string.Create(CultureInfo.InvariantCulture,
                $"The metric value {value} is outside its declared bounds [{HardLower}, {HardUpper}]."));
        }

        return Flip(_a * Sigmoid(Lin(value)) + _b);
    }

    /// <summary>Normalises every value of a curve.</summary>
    public double[] Normalize(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Select(Normalize).ToArray();
    }

    /// <summary>Model space → metric value (inverse of <see cref="Normalize(double)"/>). Values beyond (0, 1) map beyond the hard bounds or to ±∞.</summary>
    public double Denormalize(double normalized)
    {
        if (double.IsNaN(normalized))
        {
            throw new ArgumentException("Cannot denormalise NaN.", nameof(normalized));
        }

        double s = (Flip(normalized) - _b) / _a;
        if (s <= 0)
        {
            return double.NegativeInfinity;
        }

        if (s >= 1)
        {
            return double.PositiveInfinity;
        }

        return LinInverse(Math.Log(s / (1 - s)));
    }

    /// <summary>The model-space level of the metric's <paramref name="q"/>-quantile (1 − q when minimising, since the map reverses order).</summary>
    public double ModelQuantileLevel(double q) => Minimize ? 1 - q : q;

    private double Flip(double v) => Minimize ? 1 - v : v;

    private double Lin(double x) => 2 / (SoftUpper - SoftLower) * (x - SoftLower) - 1;

    private double LinInverse(double y) => (y + 1) / 2 * (SoftUpper - SoftLower) + SoftLower;

    private static double Sigmoid(double t) => 1 / (1 + Math.Exp(-t));
}
