using Hpo.Scheduler.Stopping;

namespace Hpo.Workers.Dashboard.Forecasts;

/// <summary>One trial's curve to forecast.</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Metric">The experiment's metric: direction, bounds and the epochs of a full trial.</param>
/// <param name="Values">The observed values at epochs 1, 2, …, in metric units (a gap-free prefix).</param>
/// <param name="BestValue">The best value any trial of the experiment observed, or null before the first.</param>
internal sealed record ForecastInput(long TrialId, MetricSettings Metric, IReadOnlyList<double> Values, double? BestValue);
