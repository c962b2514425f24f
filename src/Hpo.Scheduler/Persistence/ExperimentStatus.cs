namespace Hpo.Scheduler.Persistence;

/// <summary>Where an experiment is in its life.</summary>
public enum ExperimentStatus
{
    /// <summary>Created, no trial started yet.</summary>
    Created,

    /// <summary>Trials are being proposed or run.</summary>
    Running,

    /// <summary>Its budget is spent and every trial has ended.</summary>
    Completed,

    /// <summary>Stopped by a user before its budget was spent.</summary>
    Cancelled,

    /// <summary>Ended by an error.</summary>
    Failed,
}
