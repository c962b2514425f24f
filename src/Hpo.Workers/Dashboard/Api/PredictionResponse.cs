using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// The LC-PFN forecast a chart draws for a running or stopped trial: from its last observed point
/// (<see cref="FromEpoch"/>, <see cref="FromValue"/>) to the final epoch <see cref="ToEpoch"/>, where the
/// latest decision predicted <see cref="Median"/> within the 90% band [<see cref="Low"/>, <see cref="High"/>].
/// </summary>
internal sealed record PredictionResponse(
    int FromEpoch,
    double FromValue,
    int ToEpoch,
    double Median,
    double Low,
    double High,
    double? ProbabilityOfImprovement,
    int DecisionEpoch,
    string Policy,
    DecisionAction Action);
