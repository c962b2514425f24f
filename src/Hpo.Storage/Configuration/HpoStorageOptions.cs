using Hpo.Storage.Connections;

namespace Hpo.Storage.Configuration;

/// <summary>
/// Settings of the system of record. Every default is safe for one machine with an embedded SQLite file;
/// a fleet sets <see cref="Connection"/> to a PostgreSQL server. <see cref="HpoStorageOptionsValidator"/>
/// rejects out-of-range values when the options are first used.
/// </summary>
public sealed class HpoStorageOptions
{
    /// <summary>The SQLite file used when no connection is given.</summary>
    public const string DefaultSqliteFile = "hpo.db";

    /// <summary>
    /// The database: a PostgreSQL URI or connection string, or a SQLite file path (see <see cref="HpoConnection.Parse"/>).
    /// Default <see cref="DefaultSqliteFile"/> in the working directory.
    /// </summary>
    public string Connection { get; set; } = DefaultSqliteFile;

    /// <summary>The name PostgreSQL shows in <c>pg_stat_activity</c> unless the connection names one. Default <c>hpo</c>.</summary>
    public string ApplicationName { get; set; } = HpoConnection.DefaultApplicationName;

    /// <summary>
    /// Whether <see cref="Schema.HpoDatabase.EnsureReadyAsync"/> applies pending migrations. Default false: a
    /// schema change is an operator's decision (<c>hpo db migrate</c>), so applications only migrate when told to.
    /// </summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>How many times an operation is tried when the database reports a transient error (≥ 1). Default 6.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The delay before the first retry; it doubles per attempt, with jitter. Default 50 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest delay between two attempts. Default 2 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a SQLite writer waits for another to release the file before failing. Default 30 s.</summary>
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most observations one batched call may carry (1–5,000). Default 1,000.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>The largest search space, tuner, policy or settings document, in UTF-8 bytes. Default 256 KiB.</summary>
    public int MaxJsonBytes { get; set; } = 256 * 1024;

    /// <summary>The largest trial configuration, in UTF-8 bytes. Default 16 KiB.</summary>
    public int MaxParametersBytes { get; set; } = 16 * 1024;

    /// <summary>The longest free text (stop reason, error, decision reason), in characters. Default 4,000.</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>The most epochs an experiment may declare. Default 100,000.</summary>
    public int MaxEpochsLimit { get; set; } = 100_000;

    /// <summary>The most items one listing page may hold. Default 1,000.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>The most trials one curve read may ask for. Default 10,000.</summary>
    public int MaxCurveTrials { get; set; } = 10_000;

    /// <summary>
    /// The largest checkpoint a paused trial may store, in bytes (1 KiB–1 GiB; PostgreSQL's bytea holds at most 1 GB). A
    /// larger one is refused with an error naming the trial, its size and this limit, and nothing is written. Default 256 MiB.
    /// </summary>
    public long MaxCheckpointBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// A folder for large checkpoints, or null (the default) to keep every checkpoint in the database (PostgreSQL bytea,
    /// SQLite blob). With a folder, checkpoints over <see cref="CheckpointInlineBytes"/> are written there as files and
    /// the database keeps their path, size and SHA-256; a fleet's workers must all see the folder at the same path.
    /// </summary>
    public string? CheckpointFolder { get; set; }

    /// <summary>With <see cref="CheckpointFolder"/> set, the largest checkpoint kept in the database, in bytes. Default 1 MiB.</summary>
    public long CheckpointInlineBytes { get; set; } = 1024 * 1024;
}
