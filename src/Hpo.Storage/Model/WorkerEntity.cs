namespace Hpo.Storage.Model;

/// <summary>Row of <c>workers</c>.</summary>
internal sealed class WorkerEntity
{
    public string Id { get; set; } = string.Empty;

    public string Host { get; set; } = string.Empty;

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset LastHeartbeat { get; set; }
}
