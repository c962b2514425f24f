namespace Hpo.Scheduler.Experiments;

/// <summary>How one execution of a trial by <see cref="TrialExecutor"/> ended.</summary>
public enum TrialOutcome
{
    /// <summary>Trained to its last epoch; the trial is Completed.</summary>
    Completed,

    /// <summary>The stopping policy (or a spent budget) ended it; the trial is Stopped.</summary>
    Stopped,

    /// <summary>A pausing policy froze it after an epoch; the trial is Paused with its checkpoint, and its next slice is a new execution on any worker.</summary>
    Paused,

    /// <summary>The workload failed on the final attempt; the trial is Failed with the error kept.</summary>
    Failed,

    /// <summary>The workload failed on an attempt that is not the last; the trial stays Running and resumable once its lease lapses.</summary>
    AttemptFailed,

    /// <summary>The trial had already ended before this execution could claim it; nothing was written.</summary>
    AlreadyFinished,

    /// <summary>Another worker took the trial over (this lease went stale); nothing more was written.</summary>
    LeaseLost,

    /// <summary>Another live worker holds the trial and kept holding it for the whole claim wait; nothing was written.</summary>
    HeldElsewhere,

    /// <summary>
    /// The trial is paused and this execution was not the one chosen to resume it (a duplicate or stray job: only the
    /// experiment's slot policy resumes paused trials); it was not claimed and nothing was written.
    /// </summary>
    LeftPaused,

    /// <summary>No such trial.</summary>
    NotFound,

    /// <summary>
    /// This worker may not decide the trial's experiment: its LC-PFN model differs from the one already deciding it.
    /// The trial was not claimed; nothing was written.
    /// </summary>
    ModelMismatch,
}
