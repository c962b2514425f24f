using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.LcPfn;

/// <summary>
/// Maps metric values into the LC-PFN's space (higher is better, in [0, 1]) and back.
/// </summary>
/// <remarks>
/// With both bounds known the map is affine: <c>(y − lo)/(hi − lo)</c> when larger is better and
/// <c>(hi − y)/(hi − lo)</c> when smaller is better, clamped to [0, 1]. A missing bound is taken from
/// the values observed so far, widened by half their range, because the model was trained on curves
/// that use most of [0, 1]; such a scale moves as data arrives, so give bounds when they are known
/// (accuracy: 0 and 1; loss: lower 0).
/// </remarks>
public sealed class MetricScale
{
    private readonly MetricDirection _direction;

    /// <summary>Creates the scale for an experiment whose observed values so far are <paramref name="observed"/>.</summary>
    public MetricScale(MetricSettings metric, IEnumerable<double> observed)
        : this(metric, NeedsObserved(metric) ? RangeOf(observed ?? throw new ArgumentNullException(nameof(observed))) : null)
    {
    }

    private MetricScale(MetricSettings metric, (double Min, double Max)? observed)
    {
        ArgumentNullException.ThrowIfNull(metric);
        _direction = metric.Direction;
        double lo = metric.LowerBound ?? double.NaN;
        double hi = metric.UpperBound ?? double.NaN;
        if (double.IsNaN(lo) || double.IsNaN(hi))
        {
            var (min, max) = observed ?? (0, 1);
            double margin = max > min ? 0.5 * (max - min) : Math.Max(Math.Abs(max), 1) * 0.5;
            if (double.IsNaN(lo))
            {
                lo = (double.IsNaN(hi) ? min : Math.Min(min, hi)) - margin;
            }

            if (double.IsNaN(hi))
            {
                hi = Math.Max(max, lo) + margin;
            }
        }

        Lower = lo;
        Upper = hi;
    }

    /// <summary>The metric value that maps to the bottom of the model's range (worst when maximising).</summary>
    public double Lower { get; }

    /// <summary>The metric value that maps to the top of the model's range (best when maximising).</summary>
    public double Upper { get; }

    /// <summary>
    /// The scale a policy uses for <paramref name="context"/>: the observed values are read only when a bound is
    /// missing, and then through the context's range, which a fleet worker tracks as values arrive.
    /// </summary>
    internal static MetricScale For(StoppingContext context) =>
        new(context.Metric, NeedsObserved(context.Metric) ? context.ObservedRange : null);

    /// <summary>The smallest and largest finite value of <paramref name="values"/>, or null when there is none.</summary>
    internal static (double Min, double Max)? RangeOf(IEnumerable<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return min <= max ? (min, max) : null;
    }

    /// <summary>A metric value in model space.</summary>
    public double ToModel(double value)
    {
        double z = (value - Lower) / (Upper - Lower);
        return Math.Clamp(_direction == MetricDirection.Maximize ? z : 1 - z, 0, 1);
    }

    /// <summary>A model-space value in metric units.</summary>
    public double FromModel(double z)
    {
        double f = _direction == MetricDirection.Maximize ? z : 1 - z;
        return Lower + (f * (Upper - Lower));
    }

    private static bool NeedsObserved(MetricSettings metric) => double.IsNaN(metric.LowerBound ?? double.NaN) || double.IsNaN(metric.UpperBound ?? double.NaN);
}
