namespace Hpo.Scheduler.Persistence;

/// <summary>One observation returned by <see cref="IExperimentStore.ReadObservationChangesAsync"/>.</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="TrialNumber">The trial's dense number in its experiment.</param>
/// <param name="Epoch">The epoch (from 1).</param>
/// <param name="Value">The metric value.</param>
/// <param name="RecordedAt">When the writing worker recorded it (its clock), so a reader can order a batch in time.</param>
public sealed record ObservationChange(long TrialId, int TrialNumber, int Epoch, double Value, DateTimeOffset RecordedAt);
