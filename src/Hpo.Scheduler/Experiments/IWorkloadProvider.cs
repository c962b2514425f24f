using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Workloads;

namespace Hpo.Scheduler.Experiments;

/// <summary>Supplies the workload an experiment trains (built from its settings, typically cached per experiment).</summary>
public interface IWorkloadProvider
{
    /// <summary>The workload of <paramref name="experiment"/>.</summary>
    /// <exception cref="ArgumentException">The experiment's workload settings are missing or invalid.</exception>
    IWorkload GetWorkload(ExperimentRecord experiment);
}
