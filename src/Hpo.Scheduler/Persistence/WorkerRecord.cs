namespace Hpo.Scheduler.Persistence;

/// <summary>A worker process known to the store.</summary>
public sealed record WorkerRecord(string Id, string Host, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat);
