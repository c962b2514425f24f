namespace Hpo.Scheduler.Persistence;

/// <summary>A stopping policy's decision after one epoch of one trial (unique per trial and epoch).</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Epoch">The epoch after which it was taken.</param>
/// <param name="Action">Continue or stop.</param>
/// <param name="Policy">The policy's name, e.g. <c>lcpfn</c> or <c>asha</c>.</param>
/// <param name="ProbabilityOfImprovement">LC-PFN: P(y_T &gt; y_best) at the final epoch T (with the policy's remaining-epochs horizon, the largest such probability over the remaining epochs).</param>
/// <param name="PredictedMedian">Predicted median at the final epoch (metric units).</param>
/// <param name="PredictedLow">Lower end of the predicted central 90% band at the final epoch (metric units).</param>
/// <param name="PredictedHigh">Upper end of that band (metric units).</param>
/// <param name="Reason">A short human-readable reason.</param>
/// <param name="DecidedAt">When the decision was taken.</param>
/// <param name="ModelSha256">The SHA-256 (lower-case hex) of the LC-PFN model file that took the decision; null for policies without a model.</param>
public sealed record DecisionRecord(
    long TrialId,
    int Epoch,
    DecisionAction Action,
    string Policy,
    double? ProbabilityOfImprovement,
    double? PredictedMedian,
    double? PredictedLow,
    double? PredictedHigh,
    string? Reason,
    DateTimeOffset DecidedAt,
    string? ModelSha256 = null);
