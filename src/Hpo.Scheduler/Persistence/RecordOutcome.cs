namespace Hpo.Scheduler.Persistence;

/// <summary>What an idempotent write did.</summary>
public enum RecordOutcome
{
    /// <summary>The row was new and is now stored.</summary>
    Inserted,

    /// <summary>An identical row was already stored; nothing changed (a retry or a duplicate report).</summary>
    AlreadyRecorded,
}
