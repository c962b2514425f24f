namespace Hpo.Scheduler.Persistence;

/// <summary>One epoch's metric value of one trial (unique per trial and epoch).</summary>
public sealed record ObservationRecord(long TrialId, int Epoch, double Value, DateTimeOffset RecordedAt);
