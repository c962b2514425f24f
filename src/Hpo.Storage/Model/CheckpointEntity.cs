namespace Hpo.Storage.Model;

/// <summary>Row of <c>checkpoints</c>: a paused trial's latest saved state, inline or in the checkpoint folder.</summary>
internal sealed class CheckpointEntity
{
    public long TrialId { get; set; }

    public int Epoch { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>SHA-256 of the bytes (lower-case hex), checked when a file-backed checkpoint is read back.</summary>
    public string Sha256 { get; set; } = string.Empty;

    /// <summary>The bytes, when stored inline (PostgreSQL bytea, SQLite blob).</summary>
    public byte[]? Data { get; set; }

    /// <summary>The file under the checkpoint folder, when stored there (large checkpoints).</summary>
    public string? FilePath { get; set; }

    public DateTimeOffset SavedAt { get; set; }
}
