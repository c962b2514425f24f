namespace Hpo.Scheduler.Persistence;

/// <summary>The result of <see cref="IExperimentStore.ReadObservationChangesAsync"/>.</summary>
/// <param name="Observations">Observations committed since the cursor read from, ordered by trial and epoch within a read.</param>
/// <param name="Next">The cursor to read from next time.</param>
public sealed record ObservationChanges(IReadOnlyList<ObservationChange> Observations, ObservationCursor Next);
