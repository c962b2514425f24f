using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;

namespace Hpo.Workers.Workloads;

/// <summary>
/// A workload whose epochs take at least a given time (simulated training on a fleet). It is resumable exactly when
/// the workload it paces is (<see cref="Create"/>), so pausing policies see the inner workload's ability, not the wrapper's.
/// </summary>
internal class PacedWorkload(IWorkload inner, TimeSpan delay, TimeProvider time) : IWorkload
{
    public IWorkload Inner => inner;

    public string Name => inner.Name;

    public string MetricName => inner.MetricName;

    public bool HigherIsBetter => inner.HigherIsBetter;

    protected TimeSpan Delay => delay;

    protected TimeProvider Time => time;

    /// <summary>Paces <paramref name="workload"/>, keeping it resumable when it is.</summary>
    public static PacedWorkload Create(IWorkload workload, TimeSpan delay, TimeProvider time) =>
        workload is IResumableWorkload resumable ? new Resumable(resumable, delay, time) : new PacedWorkload(workload, delay, time);

    public async Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        new Run(await inner.StartAsync(parameters, seed, resumeAfterEpoch, cancellationToken).ConfigureAwait(false), delay, time);

    private sealed class Resumable(IResumableWorkload inner, TimeSpan delay, TimeProvider time) : PacedWorkload(inner, delay, time), IResumableWorkload
    {
        public async Task<IResumableWorkloadRun> ResumeAsync(TrialParameters parameters, int seed, int epoch, Stream checkpoint, CancellationToken cancellationToken = default) =>
            new Run(await inner.ResumeAsync(parameters, seed, epoch, checkpoint, cancellationToken).ConfigureAwait(false), Delay, Time);
    }

    private sealed class Run(IWorkloadRun inner, TimeSpan delay, TimeProvider time) : IResumableWorkloadRun
    {
        public async Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            return await inner.TrainEpochAsync(epoch, cancellationToken).ConfigureAwait(false);
        }

        // Reached only for resumable workloads (pausing policies are refused with the others before anything runs).
        public Task SaveCheckpointAsync(Stream destination, CancellationToken cancellationToken = default) =>
            inner is IResumableWorkloadRun resumable
                ? resumable.SaveCheckpointAsync(destination, cancellationToken)
                : throw new InvalidOperationException($"The paced run of {inner.GetType().Name} cannot write a checkpoint: its workload is not resumable.");

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
