namespace Hpo.Scheduler.Stopping;

/// <summary>What a free slot does next (<see cref="ISlotPolicy"/>).</summary>
public enum SlotAction
{
    /// <summary>Start a new configuration from the tuner.</summary>
    StartNew,

    /// <summary>Resume the paused trial <see cref="SlotChoice.ResumeTrialId"/> at its next epoch.</summary>
    Resume,

    /// <summary>Nothing worth running now (no new configuration may start and no paused trial deserves epochs); the slot stays free.</summary>
    Idle,
}
