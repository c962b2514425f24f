namespace Hpo.Scheduler.Experiments;

/// <summary>The result of one <see cref="TrialExecutor.ExecuteAsync(long, TrialExecutionOptions, CancellationToken)"/> call.</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="ExperimentId">Its experiment, when the trial exists.</param>
/// <param name="Outcome">How the execution ended.</param>
/// <param name="Attempt">The store's attempt number of the lease this execution held (0 when it claimed none).</param>
/// <param name="EpochsTrained">Epochs this execution trained and recorded.</param>
/// <param name="Detail">The stop reason, the error, or why nothing was done.</param>
public sealed record TrialExecution(long TrialId, long? ExperimentId, TrialOutcome Outcome, int Attempt, int EpochsTrained, string? Detail)
{
    /// <summary>Whether the trial is known to be terminal after this execution (so the experiment may advance).</summary>
    public bool TrialEnded => Outcome is TrialOutcome.Completed or TrialOutcome.Stopped or TrialOutcome.Failed or TrialOutcome.AlreadyFinished;
}
