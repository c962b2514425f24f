using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>An experiment in a listing.</summary>
internal sealed record ExperimentResponse(
    long Id,
    string Name,
    ExperimentStatus Status,
    string MetricName,
    MetricDirection Direction,
    double? MetricLowerBound,
    double? MetricUpperBound,
    int MaxEpochs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    double? BestValue)
{
    public static ExperimentResponse From(ExperimentRecord e, double? bestValue) => new(
        e.Id,
        e.Spec.Name,
        e.Status,
        e.Spec.MetricName,
        e.Spec.Direction,
        DashboardJson.Finite(e.Spec.MetricLowerBound),
        DashboardJson.Finite(e.Spec.MetricUpperBound),
        e.Spec.MaxEpochs,
        e.CreatedAt,
        e.UpdatedAt,
        DashboardJson.Finite(bestValue));
}
