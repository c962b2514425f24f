using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hpo.Storage.Configuration;
using Hpo.Storage.Connections;
using Hpo.Workers.Filters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hpo.Workers.Hosting;

/// <summary>
/// This process's Hangfire: PostgreSQL job storage on the store's server (sliding invisibility, long polling),
/// the job filters (retries, logging context) and a client, all per instance so several fleets (tests,
/// in-process servers) never share Hangfire's static configuration.
/// </summary>
public sealed class HangfireFleet
{
    private readonly Lazy<JobStorage> _storage;
    private readonly Lazy<IBackgroundJobClient> _client;

    /// <summary>Builds the fleet's Hangfire from the store's connection and the worker options.</summary>
    /// <exception cref="OptionsValidationException">The connection is not PostgreSQL (Hangfire needs a server all workers reach) or an option is invalid.</exception>
    public HangfireFleet(IOptions<HpoStorageOptions> storageOptions, IOptions<HpoWorkerOptions> workerOptions, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(storageOptions);
        ArgumentNullException.ThrowIfNull(workerOptions);
        var storage = storageOptions.Value;
        Options = workerOptions.Value;
        var connection = HpoConnection.Parse(storage.Connection, storage.ApplicationName, storage.SqliteBusyTimeout);
        if (connection.Provider != DatabaseProvider.PostgreSql)
        {
            throw new OptionsValidationException(nameof(HpoStorageOptions.Connection), typeof(HpoStorageOptions), [$"A worker fleet needs PostgreSQL (every worker must reach the same server); '{connection.Redacted}' is {connection.Provider}."]);
        }

        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        PostgresConnectionString = builder.ConnectionString;

        // Hangfire's own connections are named apart from the store's so operators can tell them apart in pg_stat_activity.
        builder.ApplicationName = $"{builder.ApplicationName}-hangfire";
        string hangfireConnection = builder.ConnectionString;

        var filters = new JobFilterCollection
        {
            new AutomaticRetryAttribute
            {
                Attempts = Options.RetryAttempts,
                DelayInSecondsByAttemptFunc = _ => (int)Math.Ceiling(Options.RetryDelay.TotalSeconds),
                OnAttemptsExceeded = AttemptsExceededAction.Fail,
            },
            new StatisticsHistoryAttribute(),
            new FleetQueueFilter(Options.Queue),
        };
        filters.Add(new JobLoggingFilter((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<JobLoggingFilter>(), Options.WorkerName));
        Filters = filters;

        var storageSettings = new PostgreSqlStorageOptions
        {
            SchemaName = Options.HangfireSchema,
            PrepareSchemaIfNecessary = Options.PrepareHangfireSchema,
            InvisibilityTimeout = Options.InvisibilityTimeout,
            UseSlidingInvisibilityTimeout = true,
            QueuePollInterval = Options.PollInterval,
            EnableLongPolling = true,

            // A crashed holder's lock must not block the fleet for Hangfire's default of 10 minutes.
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        _storage = new(() => new PostgreSqlStorage(new NpgsqlConnectionFactory(hangfireConnection, storageSettings), storageSettings));
        _client = new(() => new BackgroundJobClient(_storage.Value, Filters) { RetryAttempts = 5 });
    }

    /// <summary>The worker options this fleet was built with.</summary>
    public HpoWorkerOptions Options { get; }

    /// <summary>The PostgreSQL connection string of the store (used for advisory locks).</summary>
    public string PostgresConnectionString { get; }

    /// <summary>Hangfire's job storage (created, and its schema prepared when allowed, on first use).</summary>
    public JobStorage Storage => _storage.Value;

    /// <summary>The job filters every server and client of this fleet applies.</summary>
    public IJobFilterProvider Filters { get; }

    /// <summary>The client that enqueues jobs.</summary>
    public IBackgroundJobClient Client => _client.Value;
}
