using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// A trial's learning curve, with the forecast to draw after it, if any, and the epochs after which it was paused
/// (<see cref="Pauses"/>; it resumed where a point follows one).
/// </summary>
internal sealed record CurveResponse(
    long TrialId,
    int Number,
    TrialStatus Status,
    int LastEpoch,
    IReadOnlyList<CurvePointResponse> Points,
    PredictionResponse? Prediction,
    IReadOnlyList<int> Pauses);
