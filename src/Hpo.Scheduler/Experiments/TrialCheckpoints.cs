using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Workloads;

namespace Hpo.Scheduler.Experiments;

/// <summary>
/// Pausing and resuming a trial's run, shared by every place that runs trials (the in-process run, the fleet's
/// <see cref="TrialExecutor"/>): the checkpoint goes through the store under the trial's lease, and a claimed trial
/// whose checkpoint is for the epoch it resumes after is restored from it rather than started over.
/// </summary>
internal static class TrialCheckpoints
{
    /// <summary>
    /// Refuses a pausing policy (one that implements <see cref="ISlotPolicy"/>) with a workload whose runs cannot be
    /// checkpointed, before anything is stored.
    /// </summary>
    public static void RequireResumable(IWorkload workload, IStoppingPolicy policy)
    {
        if (policy is ISlotPolicy && workload is not IResumableWorkload)
        {
            throw new HpoValidationException(
                $"Field 'policy': policy '{policy.Name}' pauses trials and resumes them later, but workload '{workload.Name}' cannot save and restore a run " +
                "(it does not implement IResumableWorkload). Use a resumable workload (every built-in one is: digits-mlp, lcbench, mlnet-breast-cancer, mlnet-digits, " +
                "tabular-mlnet, tabular-mlp) or a policy that only stops trials.");
        }
    }

    /// <summary>Writes <paramref name="run"/>'s state after <paramref name="epoch"/> and pauses the trial with it, in one store transaction.</summary>
    public static async Task PauseAsync(IExperimentStore store, TrialLease lease, IWorkloadRun run, int epoch, string? reason, CancellationToken cancellationToken)
    {
        if (run is not IResumableWorkloadRun resumable)
        {
            throw new InvalidOperationException($"Trial {lease.TrialId}: the policy paused it after epoch {epoch}, but its run ({run.GetType().Name}) cannot write a checkpoint.");
        }

        using var buffer = new MemoryStream();
        await resumable.SaveCheckpointAsync(buffer, cancellationToken).ConfigureAwait(false);
        await store.PauseTrialAsync(lease, epoch, buffer.GetBuffer().AsMemory(0, checked((int)buffer.Length)), reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the run of a claimed trial that has <paramref name="done"/> epochs recorded: restored from the trial's
    /// checkpoint when it was paused after exactly that epoch, else started by the workload (which replays or skips
    /// the recorded epochs itself).
    /// </summary>
    public static async Task<IWorkloadRun> StartOrResumeAsync(IExperimentStore store, IWorkload workload, long trialId, TrialParameters parameters, int seed, int done, CancellationToken cancellationToken)
    {
        if (done > 0 && workload is IResumableWorkload resumable
            && await store.GetCheckpointAsync(trialId, cancellationToken).ConfigureAwait(false) is { } checkpoint
            && checkpoint.Epoch == done)
        {
            using var stream = new MemoryStream(checkpoint.Data, writable: false);
            return await resumable.ResumeAsync(parameters, seed, done, stream, cancellationToken).ConfigureAwait(false);
        }

        return await workload.StartAsync(parameters, seed, done, cancellationToken).ConfigureAwait(false);
    }
}
