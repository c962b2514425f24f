namespace Hpo.Workers.Dashboard.Changes;

/// <summary>One observed epoch of a <see cref="TrialView"/>.</summary>
/// <param name="Value">The metric value.</param>
/// <param name="Position">How many epochs the experiment had recorded with this one (the best-so-far chart's axis).</param>
/// <param name="Version">The <see cref="ExperimentView.Version"/> it arrived in: an incremental read returns it when newer than its cursor.</param>
internal readonly record struct ObservedEpoch(double Value, long Position, long Version);
