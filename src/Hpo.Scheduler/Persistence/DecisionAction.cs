namespace Hpo.Scheduler.Persistence;

/// <summary>A stopping policy's verdict after one epoch.</summary>
public enum DecisionAction
{
    /// <summary>Train the next epoch.</summary>
    Continue,

    /// <summary>End the trial now (it becomes <see cref="TrialStatus.Stopped"/>).</summary>
    Stop,

    /// <summary>
    /// Freeze the trial after this epoch (it becomes <see cref="TrialStatus.Paused"/> with a checkpoint) and free its
    /// slot; a pausing policy's <see cref="Stopping.ISlotPolicy"/> decides later whether it resumes.
    /// </summary>
    Pause,
}
