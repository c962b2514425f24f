using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Storage.Stores;

/// <summary>What changed in an experiment since a worker last looked, and the model that decides it.</summary>
internal sealed partial class SqlExperimentStore
{
    public async Task<ObservationChanges> ReadObservationChangesAsync(long experimentId, ObservationCursor? after = null, CancellationToken cancellationToken = default)
    {
        _ = await GetExperimentFactsAsync(experimentId, cancellationToken);
        var position = after?.Position ?? 0;
        var inFlight = after?.InFlight ?? [];
        return await _executor.ReadAsync("ReadObservationChanges", async (s, ct) =>
        {
            // One statement, so the rows and the cursor come from one snapshot. PostgreSQL: observations carry the id of
            // the transaction that wrote them (tx); every transaction below the snapshot's xmax and not in its in-progress
            // list has committed and is visible now, so the next read needs only tx >= xmax or tx among those still in
            // progress. SQLite has one writer at a time, so the rowid order is the commit order.
            //
            // The first read takes the experiment whole, by its trials. Later reads start from the few changed rows and look
            // each one's trial up by key: the bounded range and the LIMIT keep that shape in the generic plan PostgreSQL caches
            // for a prepared statement, which cannot see that the cursor is recent. With a one-sided tx >= @position that plan
            // expected a third of the table and hashed every trial of the experiment (1 ms at 3,000 trials, growing with it),
            // or, costed above jit_above_cost, compiled the query at every call (10 ms).
            //
            // Each changed row's trial is looked up by its key alone, and the experiment is checked after: with the
            // experiment inside the lookup, a generic plan made while the table was new (each worker connection makes one
            // in the first seconds) walked the (experiment_id, status) index instead, reading every trial of the
            // experiment for each changed row (236 buffers and 0.78 ms per read in a fleet run, against 13 and 0.07).
            //
            // The cursor and the in-flight list are read through sub-selects so that no plan sees their values: a custom
            // plan that saw a recent cursor was costed 12 times below the generic one, so PostgreSQL planned the statement
            // afresh at every call (0.27 ms of planning for 0.07 ms of execution). Costed alike, the cached generic plan wins
            // after the first five calls, with the same index shape (measured with PREPARE/EXECUTE, pg_prepared_statements).
            //
            // Even so, PostgreSQL planned a later read afresh at about half the calls of a fleet run (26,251 plans for 51,180
            // calls, more planning time than execution). Its plan cache keeps the generic plan only while that plan costs
            // less than the average of the custom plans made so far, and every plan's cost grows with the observations
            // table: the generic plan rebuilt after an autoanalyze costs more than the custom plans made while the table
            // was small, so custom plans came back, one per call, until their average caught up. So the later reads run
            // with plan_cache_mode = force_generic_plan, set for their own transaction only (SET LOCAL), sent with the
            // statement and its COMMIT in one round trip; a failed read's transaction is rolled back with its setting when
            // the connection returns to the pool.
            bool postgres = s.Dialect.Provider == Connections.DatabaseProvider.PostgreSql;
            await using var select = s.Command(!postgres ? SqliteChanges : after is null ? PostgresFirstRead : PostgresChangesGeneric)
                .With("experiment", experimentId);
            if (!postgres || after is not null)
            {
                select.With("position", position);
            }

            if (postgres && after is not null)
            {
                select.With("in_flight", inFlight.ToArray());
            }

            long next = position;
            IReadOnlyList<long> open = [];
            var changes = new List<ObservationChange>();
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                next = reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    open = reader.GetFieldValue<long[]>(1);
                }

                if (!reader.IsDBNull(2))
                {
                    changes.Add(new ObservationChange(reader.GetInt64(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetDouble(5), s.Dialect.ReadTime(reader, 6)));
                }
            }

            return new ObservationChanges(changes, new ObservationCursor(next, open));
        }, cancellationToken);
    }

    // The snapshot's horizon and in-progress list, then the rows of the inner query (c); one statement, one snapshot.
    private const string PostgresSnapshotAnd =
        """
        WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s)
        SELECT CAST(CAST(pg_snapshot_xmax(snap.s) AS text) AS bigint),
               ARRAY(SELECT CAST(CAST(x AS text) AS bigint) FROM pg_snapshot_xip(snap.s) x),
               c.trial_id, c.number, c.epoch, c.value, c.recorded_at
        FROM snap LEFT JOIN (
            SELECT o.trial_id, t.number, o.epoch, o.value, o.recorded_at

        """;

    internal const string PostgresFirstRead = PostgresSnapshotAnd +
        """
            FROM observations o JOIN trials t ON t.id = o.trial_id
            WHERE t.experiment_id = @experiment
        ) c ON true
        ORDER BY c.trial_id, c.epoch
        """;

    internal const string PostgresChanges = PostgresSnapshotAnd +
        """
            FROM observations o
            CROSS JOIN LATERAL (
                SELECT tt.number, tt.experiment_id FROM trials tt WHERE tt.id = o.trial_id LIMIT 1
            ) t
            WHERE ((o.tx >= (SELECT @position) AND o.tx < (SELECT @position) + 4611686018427387904)
               OR o.tx = ANY(CAST((SELECT @in_flight) AS bigint[])))
              AND t.experiment_id = @experiment
        ) c ON true
        ORDER BY c.trial_id, c.epoch
        """;

    /// <summary><see cref="PostgresChanges"/> in its own transaction, always with the generic plan (one round trip).</summary>
    internal const string PostgresChangesGeneric =
        "BEGIN;\nSET LOCAL plan_cache_mode = force_generic_plan;\n" + PostgresChanges + ";\nCOMMIT";

    private const string SqliteChanges =
        """
        SELECT m.top, NULL, c.trial_id, c.number, c.epoch, c.value, c.recorded_at
        FROM (SELECT COALESCE(MAX(rowid), 0) AS top FROM observations) m LEFT JOIN (
            SELECT o.rowid AS rid, o.trial_id, t.number, o.epoch, o.value, o.recorded_at
            FROM observations o JOIN trials t ON t.id = o.trial_id
            WHERE t.experiment_id = @experiment AND o.rowid > @position
        ) c ON c.rid <= m.top
        ORDER BY c.trial_id, c.epoch
        """;

    public async Task<string> BindDecisionModelAsync(long experimentId, string modelSha256, CancellationToken cancellationToken = default)
    {
        if (modelSha256 is null || modelSha256.Length != 64 || !modelSha256.All(char.IsAsciiHexDigitLower))
        {
            throw new HpoValidationException(string.Create(CultureInfo.InvariantCulture, $"Field 'modelSha256' is '{modelSha256}'; it must be 64 lower-case hex digits."));
        }

        var bound = await _executor.WriteAsync("BindDecisionModel", idempotent: true, async (s, ct) =>
        {
            await using var update = s.Command("UPDATE experiments SET model_sha256 = COALESCE(model_sha256, @sha) WHERE id = @id RETURNING model_sha256")
                .With("sha", modelSha256).With("id", experimentId);
            return await update.ExecuteScalarAsync(ct) as string;
        }, cancellationToken);
        return bound ?? throw new NotFoundException($"Experiment {experimentId} does not exist.");
    }
}
