using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;

namespace Hpo.Workers.Workloads;

/// <summary>A workload whose epochs take at least a given time (simulated training on a fleet).</summary>
internal sealed class PacedWorkload(IWorkload inner, TimeSpan delay, TimeProvider time) : IWorkload
{
    public IWorkload Inner => inner;

    public string Name => inner.Name;

    public string MetricName => inner.MetricName;

    public bool HigherIsBetter => inner.HigherIsBetter;

    public async Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        new Run(await inner.StartAsync(parameters, seed, resumeAfterEpoch, cancellationToken).ConfigureAwait(false), delay, time);

    private sealed class Run(IWorkloadRun inner, TimeSpan delay, TimeProvider time) : IWorkloadRun
    {
        public async Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            return await inner.TrainEpochAsync(epoch, cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
