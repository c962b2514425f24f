namespace Hpo.Workers.Hosting;

/// <summary>
/// How a worker process runs trials (<c>hpo worker</c>, <see cref="HpoWorkersServiceCollectionExtensions.AddHpoWorkers"/>).
/// The defaults suit trials of minutes to hours on a fleet sharing one PostgreSQL server;
/// <see cref="HpoWorkerOptionsValidator"/> rejects combinations that cannot work, naming the setting.
/// </summary>
public sealed class HpoWorkerOptions
{
    /// <summary>The default Hangfire queue.</summary>
    public const string DefaultQueue = "hpo";

    /// <summary>The default PostgreSQL schema of Hangfire's tables; <c>hpo dashboard</c> reads jobs from it.</summary>
    public const string DefaultHangfireSchema = "hangfire";

    /// <summary>Trials this process runs at once (Hangfire worker threads). Default: the processor count; 1–256.</summary>
    public int Concurrency { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// This worker's name: the store's worker id, the lease holder shown on trials and the Hangfire server name.
    /// Default <c>{machine}:{process id}</c>, unique per process. Two live processes must not share a name.
    /// </summary>
    public string WorkerName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// How long a trial's lease lives without a heartbeat. Default 60 s. A trial whose worker died is taken
    /// over after at most this long (once Hangfire hands its job out again); a paused worker that wakes later
    /// than this can no longer write.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often leases (besides once per epoch) and the worker record are renewed. Default 10 s; below a third of the lease.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retries after a trial's own failure (its workload throws): the trial is Failed, error kept, after
    /// 1 + this many attempts. Default 2; 0–10. Database errors do not count: they are ridden out for
    /// <see cref="MaxOutage"/> under the same lease.
    /// </summary>
    public int RetryAttempts { get; set; } = 2;

    /// <summary>The delay before a failed trial is retried. Default 10 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The Hangfire queue this worker serves and <c>hpo submit</c> fills (lower-case letters, digits, underscores). Default <see cref="DefaultQueue"/>.</summary>
    public string Queue { get; set; } = DefaultQueue;

    /// <summary>
    /// Hangfire PostgreSQL invisibility timeout, sliding: a live worker keeps renewing its jobs' fetch time
    /// (every fifth of this), so a job returns to the queue this long after its worker died or froze. Default 2 minutes.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often idle workers look for queued and scheduled (retry) jobs; PostgreSQL notifications usually wake them sooner. Default 5 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often one worker of the fleet sweeps for trials nobody runs (a lease lapsed for two lease durations,
    /// or a pending trial older than <see cref="OrphanedPendingAfter"/>) and enqueues them again. Default 1 minute.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A pending trial this old is assumed to have lost its job (a crash between creating and enqueueing it) and is enqueued again. Default 10 minutes.</summary>
    public TimeSpan OrphanedPendingAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a trial rides out database errors (resuming under its lease) before its job fails. Default 5 minutes.</summary>
    public TimeSpan MaxOutage { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long shutdown waits for running trials to stop at an epoch boundary. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Simulated training time added before every epoch this worker trains (demos, chaos tests with the LCBench
    /// surrogate, whose epochs are instant). An experiment's own <c>epochDelayMs</c> setting takes precedence. Default zero.
    /// </summary>
    public TimeSpan EpochDelay { get; set; }

    /// <summary>The PostgreSQL schema of Hangfire's tables. Default <see cref="DefaultHangfireSchema"/>.</summary>
    public string HangfireSchema { get; set; } = DefaultHangfireSchema;

    /// <summary>Whether Hangfire's tables are created or upgraded on start. Default false: schema changes are an operator's decision (<c>--migrate</c>).</summary>
    public bool PrepareHangfireSchema { get; set; }
}
