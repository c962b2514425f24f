namespace Hpo.Scheduler.Experiments;

/// <summary>How <see cref="TrialEpochLoop"/> ended a trial's epochs.</summary>
internal enum TrialEpochEnd
{
    /// <summary>Every epoch up to the last was trained.</summary>
    Completed,

    /// <summary>The stopping policy said stop after an epoch.</summary>
    StoppedByPolicy,

    /// <summary>A pausing policy said pause after an epoch: the run is still open so its checkpoint can be written.</summary>
    PausedByPolicy,

    /// <summary>A budget was spent before an epoch started (the detail says which).</summary>
    StoppedByBudget,

    /// <summary>The workload threw or reported a non-finite value (the detail says which epoch and what).</summary>
    Failed,
}
