using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Scheduler.Stopping;

/// <summary>What a stopping policy sees of the experiment when it decides.</summary>
public sealed class StoppingContext
{
    private double? _bestSoFar;
    private bool _bestKnown;
    private (double Min, double Max)? _observedRange;
    private bool _rangeKnown;

    /// <summary>Creates a context; the best value is computed from <paramref name="curves"/> when first asked for.</summary>
    /// <param name="metric">Direction, bounds and the epochs of a full trial.</param>
    /// <param name="curves">Every trial's curve so far, the reporting trials' latest epochs included.</param>
    public StoppingContext(MetricSettings metric, IReadOnlyList<TrialCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(curves);
        Metric = metric;
        Curves = curves;
    }

    /// <summary>Creates a context whose best value is already known (the coordinator tracks it as values arrive).</summary>
    public StoppingContext(MetricSettings metric, IReadOnlyList<TrialCurve> curves, double? bestSoFar)
        : this(metric, curves)
    {
        _bestSoFar = bestSoFar;
        _bestKnown = true;
    }

    /// <summary>
    /// Creates a context whose best value and range of finite observed values are already known, so that a policy
    /// which needs no more than these and the reports never walks the curves (the fleet's deciders track both).
    /// </summary>
    internal StoppingContext(MetricSettings metric, IReadOnlyList<TrialCurve> curves, double? bestSoFar, (double Min, double Max)? observedRange)
        : this(metric, curves, bestSoFar)
    {
        _observedRange = observedRange;
        _rangeKnown = true;
    }

    /// <summary>Direction, bounds and the epochs of a full trial.</summary>
    public MetricSettings Metric { get; }

    /// <summary>Every trial's curve so far, the reporting trials' latest epochs included.</summary>
    public IReadOnlyList<TrialCurve> Curves { get; }

    /// <summary>The best value any trial has observed at any epoch (direction-aware), or null when there is none.</summary>
    public double? BestSoFar
    {
        get
        {
            if (!_bestKnown)
            {
                double? best = null;
                foreach (var curve in Curves)
                {
                    foreach (double v in curve.Values)
                    {
                        best = best is { } b ? Metric.Better(b, v) : v;
                    }
                }

                _bestSoFar = best;
                _bestKnown = true;
            }

            return _bestSoFar;
        }
    }

    /// <summary>The smallest and largest finite value any trial has observed, or null when there is none.</summary>
    internal (double Min, double Max)? ObservedRange
    {
        get
        {
            if (!_rangeKnown)
            {
                _observedRange = MetricScale.RangeOf(Curves.SelectMany(c => c.Values));
                _rangeKnown = true;
            }

            return _observedRange;
        }
    }

    /// <summary>The epochs of a full trial.</summary>
    public int MaxEpochs => Metric.MaxEpochs;
}
