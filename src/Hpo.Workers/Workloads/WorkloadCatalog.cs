using System.Collections.Concurrent;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Workloads;
using Hpo.Workers.Hosting;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Workloads;

/// <summary>
/// Builds each experiment's workload from its settings (<see cref="ExperimentWorkloadSettings"/>) through the
/// <see cref="WorkloadRegistry"/>, once per experiment and process: loading a model or data set is paid once,
/// not per trial.
/// </summary>
public sealed class WorkloadCatalog : IWorkloadProvider, IDisposable
{
    private readonly WorkloadRegistry _registry;
    private readonly TimeProvider _time;
    private readonly TimeSpan _workerEpochDelay;
    private readonly ConcurrentDictionary<long, Lazy<IWorkload>> _workloads = new();

    /// <summary>Creates the catalog over <paramref name="registry"/>; <paramref name="options"/> may add a per-epoch delay (<see cref="HpoWorkerOptions.EpochDelay"/>).</summary>
    public WorkloadCatalog(WorkloadRegistry registry, TimeProvider timeProvider, IOptions<HpoWorkerOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _registry = registry;
        _time = timeProvider;
        _workerEpochDelay = options?.Value.EpochDelay ?? TimeSpan.Zero;
    }

    /// <inheritdoc />
    public IWorkload GetWorkload(ExperimentRecord experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var lazy = _workloads.GetOrAdd(experiment.Id, _ => new Lazy<IWorkload>(() => Create(experiment.Spec.SettingsJson)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Do not cache a failure: the next trial tries again (e.g. a data folder that was being copied).
            _workloads.TryRemove(new KeyValuePair<long, Lazy<IWorkload>>(experiment.Id, lazy));
            throw;
        }
    }

    /// <summary>Builds the workload that an experiment's settings describe (also used to validate a submission).</summary>
    /// <exception cref="ArgumentException">The settings do not describe a known, valid workload.</exception>
    public IWorkload Create(string? settingsJson)
    {
        var settings = ExperimentWorkloadSettings.Parse(settingsJson);
        var workload = _registry.Create(settings.WorkloadJson);
        var delay = settings.EpochDelay > TimeSpan.Zero ? settings.EpochDelay : _workerEpochDelay;
        return delay > TimeSpan.Zero ? PacedWorkload.Create(workload, delay, _time) : workload;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lazy in _workloads.Values)
        {
            if (lazy.IsValueCreated && Unwrap(lazy.Value) is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        _workloads.Clear();
    }

    private static IWorkload Unwrap(IWorkload workload) => workload is PacedWorkload paced ? paced.Inner : workload;
}
