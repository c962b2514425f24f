namespace Hpo.Scheduler.Persistence;

/// <summary>How many trials of an experiment are in one status, and the epochs they recorded (<see cref="IExperimentStore.CountTrialsAsync"/>).</summary>
/// <param name="Status">The status.</param>
/// <param name="Trials">How many trials are in it.</param>
/// <param name="Epochs">The sum of those trials' <see cref="TrialRecord.LastEpoch"/>.</param>
public sealed record TrialStatusCount(TrialStatus Status, int Trials, long Epochs);
