using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>A stopping policy's decision after one epoch.</summary>
internal sealed record DecisionResponse(
    int Epoch,
    DecisionAction Action,
    string Policy,
    double? ProbabilityOfImprovement,
    double? PredictedMedian,
    double? PredictedLow,
    double? PredictedHigh,
    string? Reason,
    DateTimeOffset DecidedAt)
{
    public static DecisionResponse From(DecisionRecord d) => new(
        d.Epoch,
        d.Action,
        d.Policy,
        DashboardJson.Finite(d.ProbabilityOfImprovement),
        DashboardJson.Finite(d.PredictedMedian),
        DashboardJson.Finite(d.PredictedLow),
        DashboardJson.Finite(d.PredictedHigh),
        d.Reason,
        d.DecidedAt);
}
