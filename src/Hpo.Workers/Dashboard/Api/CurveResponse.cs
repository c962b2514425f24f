using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>A trial's learning curve, with the forecast to draw after it, if any.</summary>
internal sealed record CurveResponse(
    long TrialId,
    int Number,
    TrialStatus Status,
    int LastEpoch,
    IReadOnlyList<CurvePointResponse> Points,
    PredictionResponse? Prediction);
