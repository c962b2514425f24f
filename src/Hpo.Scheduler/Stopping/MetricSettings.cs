using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping;

/// <summary>How an experiment's metric is read: direction, optional bounds, and the epochs of a full trial.</summary>
/// <param name="Direction">Whether larger or smaller is better.</param>
/// <param name="MaxEpochs">The epochs a trial trains when never stopped.</param>
/// <param name="LowerBound">The smallest value the metric can take, if known (0 for accuracy and loss).</param>
/// <param name="UpperBound">The largest value the metric can take, if known (1 for accuracy).</param>
public sealed record MetricSettings(MetricDirection Direction, int MaxEpochs, double? LowerBound = null, double? UpperBound = null)
{
    /// <summary>The settings of <paramref name="spec"/>.</summary>
    public static MetricSettings From(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new MetricSettings(spec.Direction, spec.MaxEpochs, spec.MetricLowerBound, spec.MetricUpperBound).Validated();
    }

    /// <summary>Whether <paramref name="a"/> is strictly better than <paramref name="b"/>.</summary>
    public bool IsBetter(double a, double b) => Direction == MetricDirection.Maximize ? a > b : a < b;

    /// <summary>The better of two values.</summary>
    public double Better(double a, double b) => IsBetter(b, a) ? b : a;

    /// <summary>The best value of <paramref name="values"/> (direction-aware); the list must not be empty.</summary>
    public double Best(IEnumerable<double> values) => values.Aggregate(Better);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">MaxEpochs &lt; 1, or the bounds are not finite and ordered.</exception>
    public MetricSettings Validated()
    {
        if (MaxEpochs < 1)
        {
            throw new HpoValidationException($"Field 'MaxEpochs' must be at least 1 (got {MaxEpochs}).");
        }

        if (LowerBound is { } lo && !double.IsFinite(lo))
        {
            throw new HpoValidationException("Field 'MetricLowerBound' must be finite.");
        }

        if (UpperBound is { } hi && !double.IsFinite(hi))
        {
            throw new HpoValidationException("Field 'MetricUpperBound' must be finite.");
        }

        if (LowerBound is { } l && UpperBound is { } h && l >= h)
        {
            throw new HpoValidationException($"Field 'MetricLowerBound' ({l.ToString(CultureInfo.InvariantCulture)}) must be below 'MetricUpperBound' ({h.ToString(CultureInfo.InvariantCulture)}).");
        }

        return this;
    }
}
