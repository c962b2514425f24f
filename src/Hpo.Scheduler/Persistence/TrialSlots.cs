namespace Hpo.Scheduler.Persistence;

/// <summary>What an experiment's advance needs to know of its trials (<see cref="IExperimentStore.GetTrialSlotsAsync"/>).</summary>
/// <param name="Trials">How many trials the experiment has (trial numbers are dense, so this is the highest number).</param>
/// <param name="Unfinished">How many are Pending or Running (each holds a concurrency slot).</param>
/// <param name="Epochs">The epochs recorded over all its trials, when asked for; null otherwise.</param>
public sealed record TrialSlots(int Trials, int Unfinished, long? Epochs);
