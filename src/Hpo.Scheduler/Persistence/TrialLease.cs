namespace Hpo.Scheduler.Persistence;

/// <summary>
/// Proof that a worker holds a trial. Every write about a running trial carries it; a write with a
/// token that is no longer the trial's current one is rejected with <see cref="StaleLeaseException"/>.
/// </summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Token">The lease token issued when the trial was claimed.</param>
/// <param name="Attempt">Which claim of the trial this is (1 for the first).</param>
/// <param name="WorkerId">The worker that holds it.</param>
/// <param name="ResumeFromEpoch">The last epoch already recorded; the workload resumes after it.</param>
public sealed record TrialLease(long TrialId, Guid Token, int Attempt, string WorkerId, int ResumeFromEpoch);
