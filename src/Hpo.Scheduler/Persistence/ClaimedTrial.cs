namespace Hpo.Scheduler.Persistence;

/// <summary>A trial created already claimed by its creator (<see cref="IExperimentStore.TryCreateClaimedTrialAsync"/>).</summary>
/// <param name="Trial">The trial as stored: Running, attempt 1, held by the lease.</param>
/// <param name="Lease">The creator's lease on it.</param>
public sealed record ClaimedTrial(TrialRecord Trial, TrialLease Lease);
