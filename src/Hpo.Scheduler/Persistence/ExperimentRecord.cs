namespace Hpo.Scheduler.Persistence;

/// <summary>A stored experiment.</summary>
public sealed record ExperimentRecord(
    long Id,
    ExperimentSpec Spec,
    ExperimentStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
