using System.Data.Common;
using System.Globalization;
using System.Text;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Validation;

namespace Hpo.Storage.Stores;

/// <summary>Learning curves and decisions: idempotent, lease-fenced writes and batched reads.</summary>
internal sealed partial class SqlExperimentStore
{
    public async Task<RecordOutcome> RecordObservationAsync(TrialLease lease, int epoch, double value, CancellationToken cancellationToken = default) =>
        (await RecordObservationsAsync(lease, [(epoch, value)], cancellationToken))[0];

    public async Task<IReadOnlyList<RecordOutcome>> RecordObservationsAsync(TrialLease lease, IReadOnlyList<(int Epoch, double Value)> observations, CancellationToken cancellationToken = default)
    {
        InputValidator.Lease(lease);
        _validate.Observations(observations);
        var trial = await GetTrialFactsAsync(lease.TrialId, cancellationToken);
        for (int i = 0; i < observations.Count; i++)
        {
            InputValidator.EpochWithin(observations.Count == 1 ? "epoch" : $"observations[{i}].Epoch", observations[i].Epoch, trial.MaxEpochs);
        }

        // Ascending epochs: the highest new one becomes the trial's last value, and inserts take key locks in a
        // fixed order.
        var distinct = observations.DistinctBy(o => o.Epoch).OrderBy(o => o.Epoch).ToList();
        var now = Now();
        HashSet<int> inserted = distinct.Count == 1 && Dialect.SingleStatementWrites && await TryInsertObservationAsync(lease, trial, distinct[0], now, cancellationToken)
            ? [distinct[0].Epoch]
            : await RecordObservationsInTransactionAsync(lease, trial, distinct, now, cancellationToken);

        // One outcome per input item; a repeat of an epoch within the batch is "already recorded".
        var outcomes = new RecordOutcome[observations.Count];
        var told = new HashSet<int>();
        for (int i = 0; i < observations.Count; i++)
        {
            int epoch = observations[i].Epoch;
            outcomes[i] = inserted.Contains(epoch) && told.Add(epoch) ? RecordOutcome.Inserted : RecordOutcome.AlreadyRecorded;
        }

        return outcomes;
    }

    /// <summary>
    /// The common case, one new epoch under a current lease, as one autocommitted statement (one round trip):
    /// the fence locks the trial row only while the lease is current, the value is inserted only through the
    /// fence, and the trial's aggregates move only when the value was inserted. A takeover either committed
    /// before the lock (the fence matches nothing) or waits for this statement. False when nothing was written
    /// (lease not current, or the epoch is stored already); the transactional path then tells which.
    /// </summary>
    private async Task<bool> TryInsertObservationAsync(TrialLease lease, TrialFacts trial, (int Epoch, double Value) observation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string better = trial.Direction == MetricDirection.Maximize ? ">" : "<";
        return await _executor.IdempotentStatementAsync("RecordObservations", async (s, ct) =>
        {
            await using var write = s.Command(
                $"""
                WITH fence AS (
                    SELECT id FROM trials WHERE id = @id AND lease_token = @token AND status = @running FOR UPDATE
                ), inserted AS (
                    INSERT INTO observations (trial_id, epoch, value, recorded_at)
                    SELECT id, @epoch, @value, @now FROM fence
                    ON CONFLICT (trial_id, epoch) DO NOTHING
                    RETURNING trial_id
                ), aggregates AS (
                    UPDATE trials SET
                        best_value = CASE WHEN best_value IS NULL OR @value {better} best_value THEN @value ELSE best_value END,
                        last_value = CASE WHEN @epoch > last_epoch THEN @value ELSE last_value END,
                        last_epoch = GREATEST(last_epoch, @epoch)
                    WHERE id IN (SELECT trial_id FROM inserted)
                    RETURNING id
                )
                SELECT COUNT(*) FROM aggregates
                """)
                .With("id", lease.TrialId).With("token", s.Dialect.Token(lease.Token)).With("running", TrialStatus.Running)
                .With("epoch", observation.Epoch).With("value", observation.Value).With("now", s.Dialect.Time(now));
            return Convert.ToInt64(await write.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 1;
        }, cancellationToken);
    }

    /// <summary>
    /// Batches, SQLite, and whatever the one-statement path did not write: one transaction that fences the lease,
    /// inserts the new epochs, compares the stored ones (a difference rolls everything back) and updates the
    /// aggregates.
    /// </summary>
    private Task<HashSet<int>> RecordObservationsInTransactionAsync(TrialLease lease, TrialFacts trial, List<(int Epoch, double Value)> distinct, DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync("RecordObservations", idempotent: true, async (s, ct) =>
        {
            // PostgreSQL: the fence first, so every writer takes the trial's row lock before any observation key
            // and the one-statement path, this one and decisions cannot deadlock each other; a takeover either
            // committed before it (refused here) or waits for this transaction. SQLite's BEGIN IMMEDIATE already
            // serialises writers, so there the fence is the aggregates UPDATE below, a statement less per write.
            bool fenced = s.Dialect.LocksRows;
            if (fenced)
            {
                await LockCurrentLeaseAsync(s, lease, "record observations", ct);
            }

            var newEpochs = await InsertObservationsAsync(s, lease.TrialId, distinct, now, ct);
            var existing = distinct.Where(o => !newEpochs.Contains(o.Epoch)).ToList();
            if (existing.Count > 0)
            {
                var stored = await ReadValuesAsync(s, lease.TrialId, existing.Select(o => o.Epoch), ct);
                foreach (var (epoch, value) in existing)
                {
                    if (!stored[epoch].Equals(value))
                    {
                        if (!fenced)
                        {
                            // A lease problem is told before a conflict, as on PostgreSQL.
                            await LockCurrentLeaseAsync(s, lease, "record observations", ct);
                        }

                        throw new ObservationConflictException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"Trial {lease.TrialId}, epoch {epoch}: {value:R} differs from the stored {stored[epoch]:R}; the stored value stays and nothing was written."));
                    }
                }
            }

            if (newEpochs.Count == 0)
            {
                if (!fenced)
                {
                    // Nothing new, yet a stale lease is still refused, not told "already recorded".
                    await LockCurrentLeaseAsync(s, lease, "record observations", ct);
                }

                return newEpochs;
            }

            var fresh = distinct.Where(o => newEpochs.Contains(o.Epoch)).ToList();
            var last = fresh[^1];
            double best = trial.Direction == MetricDirection.Maximize ? fresh.Max(o => o.Value) : fresh.Min(o => o.Value);
            string better = trial.Direction == MetricDirection.Maximize ? ">" : "<";

            // The fence on SQLite; on PostgreSQL the lease is held by the lock above, and the condition keeps the
            // aggregates from ever moving under a lease that is not current whatever the statements before become.
            await using var aggregates = s.Command(
                $"""
                UPDATE trials SET
                    best_value = CASE WHEN best_value IS NULL OR @best {better} best_value THEN @best ELSE best_value END,
                    last_value = CASE WHEN @last_epoch > last_epoch THEN @last_value ELSE last_value END,
                    last_epoch = CASE WHEN @last_epoch > last_epoch THEN @last_epoch ELSE last_epoch END
                WHERE id = @id AND lease_token = @token AND status = @running
                """)
                .With("best", best).With("last_epoch", last.Epoch).With("last_value", last.Value)
                .With("id", lease.TrialId).With("token", s.Dialect.Token(lease.Token)).With("running", TrialStatus.Running);
            if (await aggregates.ExecuteNonQueryAsync(ct) == 0)
            {
                await ThrowLeaseProblemAsync(s, lease, "record observations", ct);
            }

            return newEpochs;
        }, cancellationToken);

    public async Task<IReadOnlyDictionary<long, IReadOnlyList<ObservationRecord>>> GetCurvesAsync(IReadOnlyCollection<long> trialIds, CancellationToken cancellationToken = default)
    {
        _validate.CurveRequest(trialIds);
        var ids = trialIds.Distinct().ToList();
        var curves = ids.ToDictionary(id => id, _ => new List<ObservationRecord>());
        if (ids.Count > 0)
        {
            var rows = await _executor.ReadAsync("GetCurves", async (s, ct) =>
            {
                await using var select = s.Command(
                    $"SELECT trial_id, epoch, value, recorded_at FROM observations WHERE {s.Dialect.InIds("trial_id", "@ids")} ORDER BY trial_id, epoch")
                    .With("ids", s.Dialect.Ids(ids));
                return await ReadAllAsync(select, r => new ObservationRecord(r.GetInt64(0), r.GetInt32(1), r.GetDouble(2), s.Dialect.ReadTime(r, 3)), ct);
            }, cancellationToken);
            foreach (var row in rows)
            {
                curves[row.TrialId].Add(row);
            }
        }

        return curves.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ObservationRecord>)kv.Value);
    }

    public async Task<double?> GetBestValueAsync(long experimentId, CancellationToken cancellationToken = default)
    {
        var experiment = await GetExperimentFactsAsync(experimentId, cancellationToken);
        string aggregate = experiment.Direction == MetricDirection.Maximize ? "MAX" : "MIN";
        return await _executor.ReadAsync("GetBestValue", async (s, ct) =>
        {
            await using var select = s.Command($"SELECT {aggregate}(best_value) FROM trials WHERE experiment_id = @experiment").With("experiment", experimentId);
            object? best = await select.ExecuteScalarAsync(ct);
            return best is null or DBNull ? (double?)null : Convert.ToDouble(best, CultureInfo.InvariantCulture);
        }, cancellationToken);
    }

    public async Task<RecordOutcome> RecordDecisionAsync(TrialLease lease, DecisionRecord decision, CancellationToken cancellationToken = default)
    {
        InputValidator.Lease(lease);
        _validate.Decision(lease, decision);
        var trial = await GetTrialFactsAsync(lease.TrialId, cancellationToken);
        InputValidator.EpochWithin("decision.Epoch", decision.Epoch, trial.MaxEpochs);
        if (Dialect.SingleStatementWrites && await TryInsertDecisionAsync(lease, decision, cancellationToken))
        {
            return RecordOutcome.Inserted;
        }

        return await _executor.WriteAsync("RecordDecision", idempotent: true, async (s, ct) =>
        {
            await LockCurrentLeaseAsync(s, lease, "record a decision", ct);
            await using var insert = s.Command(
                """
                INSERT INTO decisions (trial_id, epoch, action, policy, probability_of_improvement, predicted_median, predicted_low, predicted_high, reason, decided_at, model_sha256)
                VALUES (@trial, @epoch, @action, @policy, @poi, @median, @low, @high, @reason, @decided, @model)
                ON CONFLICT (trial_id, epoch) DO NOTHING
                RETURNING epoch
                """);
            BindDecision(insert, s, lease, decision);
            if (await insert.ExecuteScalarAsync(ct) is not (null or DBNull))
            {
                return RecordOutcome.Inserted;
            }

            var stored = (await ReadDecisionsAsync(s, lease.TrialId, decision.Epoch, ct)).Single();
            if (!SameDecision(stored, decision))
            {
                throw new ObservationConflictException(
                    $"Trial {lease.TrialId}, epoch {decision.Epoch}: a different decision is stored ({stored.Action} by {stored.Policy}); the stored decision stays and nothing was written.");
            }

            return RecordOutcome.AlreadyRecorded;
        }, cancellationToken);
    }

    /// <summary>
    /// A new decision under a current lease as one autocommitted statement: the fence locks the trial row only
    /// while the lease is current and the insert reads from it, so a takeover either committed first (nothing
    /// written) or waits. False when nothing was written (lease not current, or the epoch has a decision); the
    /// transactional path then tells a retry from a conflict from a lease problem.
    /// </summary>
    private Task<bool> TryInsertDecisionAsync(TrialLease lease, DecisionRecord decision, CancellationToken cancellationToken) =>
        _executor.IdempotentStatementAsync("RecordDecision", async (s, ct) =>
        {
            await using var insert = s.Command(
                """
                WITH fence AS (
                    SELECT id FROM trials WHERE id = @trial AND lease_token = @token AND status = @running FOR UPDATE
                )
                INSERT INTO decisions (trial_id, epoch, action, policy, probability_of_improvement, predicted_median, predicted_low, predicted_high, reason, decided_at, model_sha256)
                SELECT id, @epoch, @action, @policy, @poi, @median, @low, @high, @reason, @decided, @model FROM fence
                ON CONFLICT (trial_id, epoch) DO NOTHING
                RETURNING epoch
                """)
                .With("token", s.Dialect.Token(lease.Token)).With("running", TrialStatus.Running);
            BindDecision(insert, s, lease, decision);
            return await insert.ExecuteScalarAsync(ct) is not (null or DBNull);
        }, cancellationToken);

    private static void BindDecision(DbCommand command, SqlSession s, TrialLease lease, DecisionRecord decision) =>
        command
            .With("trial", lease.TrialId).With("epoch", decision.Epoch).With("action", decision.Action).With("policy", decision.Policy)
            .WithReal("poi", decision.ProbabilityOfImprovement).WithReal("median", decision.PredictedMedian).WithReal("low", decision.PredictedLow)
            .WithReal("high", decision.PredictedHigh).WithText("reason", decision.Reason).With("decided", s.Dialect.Time(decision.DecidedAt))
            .WithText("model", decision.ModelSha256);

    public Task<IReadOnlyList<DecisionRecord>> GetDecisionsAsync(long trialId, CancellationToken cancellationToken = default) =>
        _executor.ReadAsync<IReadOnlyList<DecisionRecord>>("GetDecisions", async (s, ct) => await ReadDecisionsAsync(s, trialId, null, ct), cancellationToken);

    public async Task<IReadOnlyDictionary<long, IReadOnlyList<DecisionRecord>>> GetDecisionsAsync(IReadOnlyCollection<long> trialIds, DateTimeOffset? decidedAfter = null, CancellationToken cancellationToken = default)
    {
        _validate.CurveRequest(trialIds);
        var ids = trialIds.Distinct().ToList();
        var decisions = ids.ToDictionary(id => id, _ => new List<DecisionRecord>());
        if (ids.Count > 0)
        {
            var rows = await _executor.ReadAsync("GetDecisionsOfTrials", async (s, ct) =>
            {
                await using var select = s.Command(
                    $"SELECT {DecisionColumns} FROM decisions WHERE {s.Dialect.InIds("trial_id", "@ids")}{(decidedAfter is null ? string.Empty : " AND decided_at > @after")} ORDER BY trial_id, epoch")
                    .With("ids", s.Dialect.Ids(ids));
                if (decidedAfter is { } after)
                {
                    select.With("after", s.Dialect.Time(after));
                }

                return await ReadAllAsync(select, r => ReadDecision(r, s), ct);
            }, cancellationToken);
            foreach (var row in rows)
            {
                decisions[row.TrialId].Add(row);
            }
        }

        return decisions.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<DecisionRecord>)kv.Value);
    }

    // The time a decision was taken is not part of its identity: a worker that restarts and decides again
    // at the same epoch, identically, is a retry.
    private static bool SameDecision(DecisionRecord a, DecisionRecord b) =>
        a.Action == b.Action && a.Policy == b.Policy &&
        Nullable.Equals(a.ProbabilityOfImprovement, b.ProbabilityOfImprovement) &&
        Nullable.Equals(a.PredictedMedian, b.PredictedMedian) &&
        Nullable.Equals(a.PredictedLow, b.PredictedLow) &&
        Nullable.Equals(a.PredictedHigh, b.PredictedHigh) &&
        a.Reason == b.Reason;

    private static async Task<List<DecisionRecord>> ReadDecisionsAsync(SqlSession s, long trialId, int? epoch, CancellationToken ct)
    {
        await using var select = s.Command(
            $"SELECT {DecisionColumns} FROM decisions WHERE trial_id = @trial{(epoch is null ? string.Empty : " AND epoch = @epoch")} ORDER BY epoch").With("trial", trialId);
        if (epoch is not null)
        {
            select.With("epoch", epoch.Value);
        }

        return await ReadAllAsync(select, r => ReadDecision(r, s), ct);
    }

    // The columns ReadDecision reads, in its order; one list for every read of decisions.
    private const string DecisionColumns = "trial_id, epoch, action, policy, probability_of_improvement, predicted_median, predicted_low, predicted_high, reason, decided_at, model_sha256";

    private static DecisionRecord ReadDecision(DbDataReader r, SqlSession s) => new(
        r.GetInt64(0), r.GetInt32(1), Enum.Parse<DecisionAction>(r.GetString(2)), r.GetString(3),
        r.GetDoubleOrNull(4), r.GetDoubleOrNull(5), r.GetDoubleOrNull(6), r.GetDoubleOrNull(7), r.GetStringOrNull(8), s.Dialect.ReadTime(r, 9), r.GetStringOrNull(10));

    private static async Task<HashSet<int>> InsertObservationsAsync(SqlSession s, long trialId, List<(int Epoch, double Value)> rows, DateTimeOffset now, CancellationToken ct)
    {
        var sql = new StringBuilder("INSERT INTO observations (trial_id, epoch, value, recorded_at) VALUES ");
        for (int i = 0; i < rows.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : ", ")}(@trial, @e{i}, @v{i}, @now)");
        }

        sql.Append(" ON CONFLICT (trial_id, epoch) DO NOTHING RETURNING epoch");
        await using var insert = s.Command(sql.ToString()).With("trial", trialId).With("now", s.Dialect.Time(now));
        for (int i = 0; i < rows.Count; i++)
        {
            insert.With($"e{i}", rows[i].Epoch).With($"v{i}", rows[i].Value);
        }

        return [.. await ReadAllAsync(insert, r => r.GetInt32(0), ct)];
    }

    private static async Task<Dictionary<int, double>> ReadValuesAsync(SqlSession s, long trialId, IEnumerable<int> epochs, CancellationToken ct)
    {
        var list = epochs.ToList();
        await using var select = s.Command(
            $"SELECT epoch, value FROM observations WHERE trial_id = @trial AND epoch IN ({string.Join(", ", list.Select((_, i) => $"@e{i}"))})").With("trial", trialId);
        for (int i = 0; i < list.Count; i++)
        {
            select.With($"e{i}", list[i]);
        }

        return (await ReadAllAsync(select, r => (Epoch: r.GetInt32(0), Value: r.GetDouble(1)), ct)).ToDictionary(x => x.Epoch, x => x.Value);
    }

    private async Task<TrialFacts> GetTrialFactsAsync(long trialId, CancellationToken cancellationToken)
    {
        if (_trialFacts.TryGetValue(trialId, out var cached))
        {
            return cached;
        }

        var facts = await _executor.ReadAsync("GetTrialFacts", async (s, ct) =>
        {
            await using var select = s.Command("SELECT t.id, t.experiment_id, e.max_epochs, e.direction FROM trials t JOIN experiments e ON e.id = t.experiment_id WHERE t.id = @id")
                .With("id", trialId);
            return await ReadSingleAsync(select, r => new TrialFacts(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), Enum.Parse<MetricDirection>(r.GetString(3))), ct);
        }, cancellationToken) ?? throw new NotFoundException($"Trial {trialId} does not exist.");
        return RememberTrialFacts(facts);
    }

    /// <summary>
    /// Caches a trial's facts. Creating and claiming a trial call it with facts they already hold, so a worker's
    /// first write about a trial does not cost a read.
    /// </summary>
    private TrialFacts RememberTrialFacts(TrialFacts facts)
    {
        // Bounded: a long-lived scheduler sees many trials; the facts are cheap to read again.
        if (_trialFacts.Count > 100_000)
        {
            _trialFacts.Clear();
        }

        return _trialFacts.GetOrAdd(facts.TrialId, facts);
    }
}
