using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Tuning;

namespace Hpo.Workers.Jobs;

/// <summary>What <see cref="ExperimentAdvancer"/> builds from an experiment's spec, kept per experiment and process.</summary>
/// <param name="experiment">The experiment as first read: its spec and creation time never change (its status is not used from here).</param>
/// <param name="settings">The experiment's settings.</param>
/// <param name="tuner">Its tuner: proposals depend only on the seed and the trial number, so one instance serves every advance.</param>
/// <param name="pauses">Whether its policy pauses trials (a slot policy), which keeps every advance under the lock.</param>
/// <param name="policyBuilt">Whether its policy can be built on this worker.</param>
internal sealed class ExperimentPlan(ExperimentRecord experiment, ExperimentOptions settings, ITuner tuner, bool pauses, bool policyBuilt)
{
    public ExperimentRecord Experiment { get; } = experiment;

    public ExperimentOptions Settings { get; } = settings;

    public ITuner Tuner { get; } = tuner;

    /// <summary>How many trials the tuner can propose.</summary>
    public long Capacity { get; } = tuner is IFiniteTuner finite ? finite.Capacity : long.MaxValue;

    public bool Pauses { get; } = pauses;

    /// <summary>Whether an advance of this process has seen the experiment Running (set once, never cleared: an ended experiment's plan is dropped).</summary>
    public bool SeenRunning { get; set; }

    /// <summary>
    /// The experiment's trial count as this process last saw it (a count read or its own creation), where a slot's claimed
    /// creation starts its window of numbers; null until then. Read and written under the experiment's slot gate.
    /// </summary>
    public int? KnownTrials { get; set; }

    /// <summary>Whether a slot may fill itself without the experiment's lock.</summary>
    public bool FillsOwnSlot => SeenRunning && !Pauses && policyBuilt;
}
