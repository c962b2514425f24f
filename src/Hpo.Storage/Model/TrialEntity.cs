using Hpo.Scheduler.Persistence;

namespace Hpo.Storage.Model;

/// <summary>Row of <c>trials</c>.</summary>
internal sealed class TrialEntity
{
    public long Id { get; set; }

    public long ExperimentId { get; set; }

    public int Number { get; set; }

    public string Parameters { get; set; } = "{}";

    public TrialStatus Status { get; set; }

    public int Attempt { get; set; }

    /// <summary>The current lease; kept after the trial ends so a retried finish can be recognised.</summary>
    public Guid? LeaseToken { get; set; }

    public string? WorkerId { get; set; }

    public DateTimeOffset? LastHeartbeat { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int LastEpoch { get; set; }

    public double? BestValue { get; set; }

    public double? LastValue { get; set; }

    public string? StopReason { get; set; }

    public string? Error { get; set; }

    /// <summary>The job that created the trial to run it itself (a fleet slot's chained trial): a rerun of that job resumes it.</summary>
    public string? RunnerJob { get; set; }
}
