using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping;

/// <summary>A policy's verdict for one trial after one epoch.</summary>
/// <param name="Action">Continue or stop.</param>
/// <param name="Reason">A short human-readable reason.</param>
/// <param name="ProbabilityOfImprovement">LC-PFN: P(y_T &gt; y_best) at the final epoch T (with the policy's remaining-epochs horizon, the largest such probability over the remaining epochs).</param>
/// <param name="PredictedMedian">The predicted median at the final epoch (metric units).</param>
/// <param name="PredictedLow">The lower end of the predicted central 90% band at the final epoch (metric units).</param>
/// <param name="PredictedHigh">The upper end of that band (metric units).</param>
public sealed record StoppingDecision(
    DecisionAction Action,
    string Reason,
    double? ProbabilityOfImprovement = null,
    double? PredictedMedian = null,
    double? PredictedLow = null,
    double? PredictedHigh = null)
{
    /// <summary>Whether the trial must stop.</summary>
    public bool ShouldStop => Action == DecisionAction.Stop;

    /// <summary>Keep training.</summary>
    public static StoppingDecision Continue(string reason) => new(DecisionAction.Continue, reason);

    /// <summary>Stop now.</summary>
    public static StoppingDecision Stop(string reason) => new(DecisionAction.Stop, reason);

    /// <summary>Whether the trial must be frozen (checkpointed and its slot freed) after this epoch.</summary>
    public bool ShouldPause => Action == DecisionAction.Pause;

    /// <summary>Freeze after this epoch; the slot policy may resume it later.</summary>
    public static StoppingDecision Pause(string reason) => new(DecisionAction.Pause, reason);

    /// <summary>The stored form of this decision.</summary>
    public DecisionRecord ToRecord(long trialId, int epoch, string policy, DateTimeOffset decidedAt) =>
        new(trialId, epoch, Action, policy, ProbabilityOfImprovement, PredictedMedian, PredictedLow, PredictedHigh, Reason, decidedAt);
}
