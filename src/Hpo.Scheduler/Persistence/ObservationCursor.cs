namespace Hpo.Scheduler.Persistence;

/// <summary>
/// Where a read of an experiment's observations ended (<see cref="IExperimentStore.ReadObservationChangesAsync"/>);
/// opaque to callers. <paramref name="Position"/> is the store's commit order position (PostgreSQL: the first
/// transaction id not yet assigned when the read ran; SQLite and memory: the last row read) and
/// <paramref name="InFlight"/> the transactions still open at that moment, whose rows the next read picks up.
/// </summary>
public sealed record ObservationCursor(long Position, IReadOnlyList<long> InFlight);
