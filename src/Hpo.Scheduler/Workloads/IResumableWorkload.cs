using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Workloads;

/// <summary>A workload whose runs implement <see cref="IResumableWorkloadRun"/> and can be restored from their checkpoints.</summary>
public interface IResumableWorkload : IWorkload
{
    /// <summary>
    /// Restores a run of <paramref name="parameters"/> from <paramref name="checkpoint"/>, written by
    /// <see cref="IResumableWorkloadRun.SaveCheckpointAsync"/> after <paramref name="epoch"/>; its next call trains epoch + 1.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint is not one of this workload's, or is for another epoch; the message says which.</exception>
    Task<IResumableWorkloadRun> ResumeAsync(TrialParameters parameters, int seed, int epoch, Stream checkpoint, CancellationToken cancellationToken = default);
}
