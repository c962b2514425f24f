using System.Collections.Concurrent;
using System.Data.Common;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Resilience;
using Hpo.Storage.Validation;
using Microsoft.Extensions.Options;

namespace Hpo.Storage.Stores;

/// <summary>
/// <see cref="IExperimentStore"/> on PostgreSQL or SQLite. Writes are single transactions of hand-written SQL
/// (INSERT … ON CONFLICT DO NOTHING plus a read-back compare) so they are idempotent by natural key and safe
/// to retry; every write about a running trial is fenced by its lease token inside the same transaction.
/// </summary>
internal sealed partial class SqlExperimentStore : IExperimentStore
{
    private const string ExperimentColumns =
        "id, name, metric_name, direction, metric_lower_bound, metric_upper_bound, max_epochs, search_space, tuner, policy, settings, status, created_at, updated_at";

    private const string TrialColumns =
        "id, experiment_id, number, parameters, status, attempt, lease_token, worker_id, last_heartbeat, created_at, started_at, finished_at, last_epoch, best_value, last_value, stop_reason, error";

    // Status sets written into the SQL as literals, not parameters: PostgreSQL keeps the generic plan of a prepared
    // statement only when it costs no more than a custom one, and with parameters it guesses half the trials match
    // (the index read of the few unfinished ones looked 20 times dearer), so the hot slot statements were planned
    // afresh at every call. The literals are the enum names the columns hold. The partial index ix_trials_unfinished is
    // declared with this same predicate: PostgreSQL uses a partial index only for a query whose condition implies it.
    internal const string UnfinishedStatus = $"status IN ('{nameof(TrialStatus.Pending)}', '{nameof(TrialStatus.Running)}')";

    /// <summary>
    /// The unfinished trials of <c>@experiment</c>, through the partial index <c>ix_trials_unfinished</c> that holds only
    /// them. Without it, a generic plan made while the table was new (no statistics yet) read every trial of the
    /// experiment at each slot's count: the index on (experiment_id, status) with status as a filter. That plan stayed
    /// cached until autovacuum first analysed the table, and the fleet ran at half speed until then (BENCHMARKS §4b).
    /// </summary>
    internal const string UnfinishedCount = $"SELECT COUNT(*) FROM trials WHERE experiment_id = @experiment AND {UnfinishedStatus}";

    /// <summary>
    /// What a slot's advance reads (<see cref="GetTrialSlotsAsync"/>) when it does not need the epochs. The trial count is
    /// the experiment's counter, which every creation moves with its insert (numbers are dense), not a MAX over the
    /// trials: that MAX was read through whichever index the planner thought cheapest, every trial when it chose badly.
    /// </summary>
    internal const string SlotCounts =
        $"SELECT (SELECT trial_count FROM experiments WHERE id = @experiment), ({UnfinishedCount}), NULL";

    /// <summary><see cref="SlotCounts"/> with the epochs recorded over all trials (a sum over every trial; only a budgeted experiment's advance asks).</summary>
    private const string SlotCountsWithEpochs =
        $"SELECT (SELECT trial_count FROM experiments WHERE id = @experiment), ({UnfinishedCount}), (SELECT COALESCE(SUM(last_epoch), 0) FROM trials WHERE experiment_id = @experiment)";

    private const string OpenExperimentStatus =
        $"status NOT IN ('{nameof(ExperimentStatus.Completed)}', '{nameof(ExperimentStatus.Cancelled)}', '{nameof(ExperimentStatus.Failed)}')";

    // Facts that never change once written (an experiment's search space, max epochs and direction; a
    // trial's experiment), cached so hot writes do not re-read them.
    private readonly ConcurrentDictionary<long, ExperimentFacts> _experimentFacts = new();
    private readonly ConcurrentDictionary<long, TrialFacts> _trialFacts = new();

    private readonly StoreExecutor _executor;
    private readonly IParameterValidator _parameterValidator;
    private readonly TimeProvider _time;
    private readonly InputValidator _validate;
    private readonly HpoStorageOptions _options;

    public SqlExperimentStore(StoreExecutor executor, IParameterValidator parameterValidator, TimeProvider time, IOptions<HpoStorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _executor = executor;
        _parameterValidator = parameterValidator;
        _time = time;
        _validate = new InputValidator(options.Value);
        _options = options.Value;
    }

    private SqlDialect Dialect => _executor.Dialect;

    // Microsecond precision: what PostgreSQL keeps, so a returned record equals the stored one on both engines.
    private DateTimeOffset Now()
    {
        long ticks = _time.GetUtcNow().UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    private ExperimentRecord ReadExperiment(DbDataReader r) => new(
        r.GetInt64(0),
        new ExperimentSpec(
            r.GetString(1),
            r.GetString(2),
            Enum.Parse<MetricDirection>(r.GetString(3)),
            r.GetDoubleOrNull(4),
            r.GetDoubleOrNull(5),
            r.GetInt32(6),
            r.GetString(7),
            r.GetString(8),
            r.GetString(9),
            r.GetStringOrNull(10)),
        Enum.Parse<ExperimentStatus>(r.GetString(11)),
        Dialect.ReadTime(r, 12),
        Dialect.ReadTime(r, 13));

    private TrialRecord ReadTrial(DbDataReader r)
    {
        var status = Enum.Parse<TrialStatus>(r.GetString(4));
        return new TrialRecord(
            r.GetInt64(0),
            r.GetInt64(1),
            r.GetInt32(2),
            r.GetString(3),
            status,
            r.GetInt32(5),
            status == TrialStatus.Running ? Dialect.ReadTokenOrNull(r, 6) : null,
            r.GetStringOrNull(7),
            Dialect.ReadTimeOrNull(r, 8),
            Dialect.ReadTime(r, 9),
            Dialect.ReadTimeOrNull(r, 10),
            Dialect.ReadTimeOrNull(r, 11),
            r.GetInt32(12),
            r.GetDoubleOrNull(13),
            r.GetDoubleOrNull(14),
            r.GetStringOrNull(15),
            r.GetStringOrNull(16));
    }

    private static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(read(reader));
        }

        return items;
    }

    private static async Task<T?> ReadSingleAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    private sealed record ExperimentFacts(long Id, string Name, string SearchSpaceJson, int MaxEpochs, MetricDirection Direction);

    private sealed record TrialFacts(long TrialId, long ExperimentId, int MaxEpochs, MetricDirection Direction);
}
