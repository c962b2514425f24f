namespace Hpo.Scheduler.Persistence;

/// <summary>A stopping policy's verdict after one epoch.</summary>
public enum DecisionAction
{
    /// <summary>Train the next epoch.</summary>
    Continue,

    /// <summary>End the trial now (it becomes <see cref="TrialStatus.Stopped"/>).</summary>
    Stop,
}
