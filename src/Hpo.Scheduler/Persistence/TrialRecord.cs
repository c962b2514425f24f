namespace Hpo.Scheduler.Persistence;

/// <summary>A stored trial.</summary>
/// <param name="Id">Store-wide id (job arguments carry this).</param>
/// <param name="ExperimentId">Its experiment.</param>
/// <param name="Number">Dense 1-based number within its experiment.</param>
/// <param name="ParametersJson">The configuration, a JSON object.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="Attempt">How many times it was claimed (0 while pending).</param>
/// <param name="LeaseToken">The current lease's token, if running.</param>
/// <param name="WorkerId">The worker holding the lease, if any.</param>
/// <param name="LastHeartbeat">When its worker last renewed the lease.</param>
/// <param name="CreatedAt">When it was proposed.</param>
/// <param name="StartedAt">When it was first claimed.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="LastEpoch">The last recorded epoch (0 when none).</param>
/// <param name="BestValue">Its best observed value (direction-aware), if any.</param>
/// <param name="LastValue">Its value at <paramref name="LastEpoch"/>, if any.</param>
/// <param name="StopReason">Why it was stopped, for stopped trials.</param>
/// <param name="Error">The error that failed it, for failed trials.</param>
public sealed record TrialRecord(
    long Id,
    long ExperimentId,
    int Number,
    string ParametersJson,
    TrialStatus Status,
    int Attempt,
    Guid? LeaseToken,
    string? WorkerId,
    DateTimeOffset? LastHeartbeat,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int LastEpoch,
    double? BestValue,
    double? LastValue,
    string? StopReason,
    string? Error)
{
    /// <summary>Whether the trial has ended (completed, stopped or failed).</summary>
    public bool IsTerminal => Status is TrialStatus.Completed or TrialStatus.Stopped or TrialStatus.Failed;
}
