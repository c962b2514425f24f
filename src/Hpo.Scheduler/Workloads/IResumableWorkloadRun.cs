namespace Hpo.Scheduler.Workloads;

/// <summary>
/// A run that can be frozen after an epoch and continued later, on any worker, from what it writes here
/// (freeze-thaw and ASHA with promotion pause trials instead of killing them).
/// </summary>
public interface IResumableWorkloadRun : IWorkloadRun
{
    /// <summary>
    /// Writes the state after the last trained epoch (model, optimiser, random generators, epoch) so that
    /// <see cref="IResumableWorkload.ResumeAsync"/> continues with exactly the curve the uninterrupted run would have.
    /// </summary>
    Task SaveCheckpointAsync(Stream destination, CancellationToken cancellationToken = default);
}
