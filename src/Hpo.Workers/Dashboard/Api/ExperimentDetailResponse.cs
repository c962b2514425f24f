using System.Text.Json;
using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>One experiment with its configuration.</summary>
internal sealed record ExperimentDetailResponse(
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
    double? BestValue,
    JsonElement? SearchSpace,
    JsonElement? Tuner,
    JsonElement? Policy,
    JsonElement? Settings)
{
    public static ExperimentDetailResponse From(ExperimentRecord e, double? bestValue) => new(
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
        DashboardJson.Finite(bestValue),
        DashboardJson.Parse(e.Spec.SearchSpaceJson),
        DashboardJson.Parse(e.Spec.TunerJson),
        DashboardJson.Parse(e.Spec.PolicyJson),
        DashboardJson.Parse(e.Spec.SettingsJson));
}
