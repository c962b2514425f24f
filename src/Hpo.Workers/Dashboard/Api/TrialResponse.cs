using System.Text.Json;
using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>A trial (lease tokens are left out: they are a worker's secret).</summary>
internal sealed record TrialResponse(
    long Id,
    long ExperimentId,
    int Number,
    JsonElement? Parameters,
    TrialStatus Status,
    int Attempt,
    string? WorkerId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? LastHeartbeat,
    int LastEpoch,
    double? BestValue,
    double? LastValue,
    string? StopReason,
    string? Error)
{
    public static TrialResponse From(TrialRecord t) => new(
        t.Id,
        t.ExperimentId,
        t.Number,
        DashboardJson.Parse(t.ParametersJson),
        t.Status,
        t.Attempt,
        t.WorkerId,
        t.CreatedAt,
        t.StartedAt,
        t.FinishedAt,
        t.LastHeartbeat,
        t.LastEpoch,
        DashboardJson.Finite(t.BestValue),
        DashboardJson.Finite(t.LastValue),
        t.StopReason,
        t.Error);
}
