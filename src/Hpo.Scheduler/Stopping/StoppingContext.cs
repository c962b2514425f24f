namespace Hpo.Scheduler.Stopping;

/// <summary>What a stopping policy sees of the experiment when it decides.</summary>
/// <param name="Metric">Direction, bounds and the epochs of a full trial.</param>
/// <param name="Curves">Every trial's curve so far, the reporting trials' latest epochs included.</param>
public sealed record StoppingContext(MetricSettings Metric, IReadOnlyList<TrialCurve> Curves)
{
    /// <summary>The best value any trial has observed at any epoch (direction-aware), or null when there is none.</summary>
    public double? BestSoFar { get; } = Curves.SelectMany(c => c.Values).Aggregate((double?)null, (best, v) => best is { } b ? Metric.Better(b, v) : v);

    /// <summary>The epochs of a full trial.</summary>
    public int MaxEpochs => Metric.MaxEpochs;
}
