using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.AutoMl;

/// <summary>
/// The outcome of one trial. Mirrors <c>Microsoft.ML.AutoML.TrialResult</c> (<see cref="Metric"/>,
/// <see cref="Loss"/>, <see cref="DurationInMilliseconds"/>, <see cref="TrialSettings"/>, <see cref="Model"/>)
/// and adds what early stopping knows: the curve, whether the trial was stopped and the decision that stopped it.
/// A trial stopped early is still a normal result (AutoML has no pruned-trial state): its best value so far
/// as <see cref="Metric"/> and the matching <see cref="Loss"/>.
/// </summary>
public sealed class TrialResult
{
    /// <summary>The settings the trial ran with.</summary>
    public TrialSettings TrialSettings { get; set; } = new();

    /// <summary>The trial's best metric value (direction-aware), in metric units.</summary>
    public double Metric { get; set; }

    /// <summary>What tuners minimise: <see cref="Metric"/> when smaller is better, its negation otherwise (AutoML's convention).</summary>
    public double Loss { get; set; }

    /// <summary>
    /// The trained model when the trial's run hands one back (<see cref="Workloads.ITrainedModelRun"/>): an ML.NET
    /// <c>ITransformer</c> (what AutoML's <c>TrialResult.Model</c> holds) or a TorchSharp module; null otherwise.
    /// It is the model after the trial's last trained epoch.
    /// </summary>
    public object? Model { get; set; }

    /// <summary>Wall time of the trial.</summary>
    public double DurationInMilliseconds { get; set; }

    /// <summary>The metric after each trained epoch (index 0 is epoch 1).</summary>
    public IReadOnlyList<double> Curve { get; set; } = [];

    /// <summary>Whether the stopping policy ended the trial before its last epoch.</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>The decision that stopped it, when <see cref="StoppedEarly"/>.</summary>
    public DecisionRecord? StopDecision { get; set; }
}
