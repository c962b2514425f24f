namespace Hpo.Scheduler.Persistence;

/// <summary>Where a trial is in its life.</summary>
public enum TrialStatus
{
    /// <summary>Proposed, not yet claimed by a worker.</summary>
    Pending,

    /// <summary>Claimed by a worker under a lease.</summary>
    Running,

    /// <summary>Trained to its last epoch.</summary>
    Completed,

    /// <summary>Ended early by the stopping policy.</summary>
    Stopped,

    /// <summary>Ended by an error (kept in <see cref="TrialRecord.Error"/>).</summary>
    Failed,

    /// <summary>
    /// Frozen after an epoch by a pausing policy (freeze-thaw, ASHA with promotion), its checkpoint stored with it.
    /// Not terminal: a later slot claims it again and it continues at the next epoch, or it is stopped for good.
    /// </summary>
    Paused,
}
