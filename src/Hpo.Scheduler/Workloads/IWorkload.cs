using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Workloads;

/// <summary>
/// Something that can be trained epoch by epoch for a configuration: an ML.NET learner, a TorchSharp
/// network, or a simulated curve. The experiment loop and the workers drive it one epoch at a time.
/// </summary>
public interface IWorkload
{
    /// <summary>A short name, e.g. <c>digits-mlp</c> or <c>lcbench</c>.</summary>
    string Name { get; }

    /// <summary>The metric each epoch reports, e.g. <c>val_accuracy</c>.</summary>
    string MetricName { get; }

    /// <summary>Whether larger metric values are better.</summary>
    bool HigherIsBetter { get; }

    /// <summary>
    /// Starts a run of <paramref name="parameters"/>. When <paramref name="resumeAfterEpoch"/> &gt; 0 the
    /// run continues after that epoch (re-training the earlier epochs silently when it cannot restore them);
    /// the same seed gives the same curve.
    /// </summary>
    Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default);
}
