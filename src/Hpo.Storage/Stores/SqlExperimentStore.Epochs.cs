using System.Data.Common;
using System.Globalization;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Validation;

namespace Hpo.Storage.Stores;

/// <summary>
/// The fleet's per-epoch write: an epoch's value, its decision and (for the last epoch of a trial) the trial's end in
/// one write. Measured per trial of the fleet, the value and the decision were two fenced statements and the end a
/// third, each a round trip, a commit and a lock of the trial's row; on PostgreSQL they are now one statement.
/// </summary>
internal sealed partial class SqlExperimentStore
{
    /// <summary>The SQL error of a unique index refusing a row (PostgreSQL's unique_violation).</summary>
    private const string UniqueViolation = "23505";

    public async Task<bool> TryRecordEpochAsync(TrialLease lease, int epoch, double value, DateTimeOffset recordedAt, DecisionRecord decision, TrialStatus? finishAs = null, CancellationToken cancellationToken = default)
    {
        InputValidator.Lease(lease);
        _validate.EpochWrite(lease, epoch, value, decision, finishAs);
        var trial = await GetTrialFactsAsync(lease.TrialId, cancellationToken);
        InputValidator.EpochWithin("epoch", epoch, trial.MaxEpochs);
        var now = Now();

        // Microseconds, as every time the store keeps, so that what was written reads back equal.
        long ticks = recordedAt.UtcTicks;
        var observedAt = new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
        string better = trial.Direction == MetricDirection.Maximize ? ">" : "<";

        // The trial's aggregates move, and with finishAs its status, only where the fence matched: the lease is current
        // and neither the value nor the decision of this epoch is stored (a retry or a conflict leaves the one-by-one
        // writes to tell which).
        string end = finishAs switch
        {
            TrialStatus.Stopped => ",\n    status = @final, finished_at = @now, stop_reason = @reason, error = NULL",
            TrialStatus.Completed => ",\n    status = @final, finished_at = @now, stop_reason = NULL, error = NULL",
            _ => string.Empty,
        };
        string update =
            $"""
            UPDATE trials SET
                best_value = CASE WHEN best_value IS NULL OR @value {better} best_value THEN @value ELSE best_value END,
                last_value = CASE WHEN @epoch > last_epoch THEN @value ELSE last_value END,
                last_epoch = CASE WHEN @epoch > last_epoch THEN @epoch ELSE last_epoch END{end}
            """;
        const string Unwritten =
            """
            id = @trial AND lease_token = @token AND status = @running
            AND NOT EXISTS (SELECT 1 FROM observations WHERE trial_id = @trial AND epoch = @epoch)
            AND NOT EXISTS (SELECT 1 FROM decisions WHERE trial_id = @trial AND epoch = @epoch)
            """;

        // The two inserts, from the fence (PostgreSQL) or from the parameters (SQLite, after its fence).
        static (string Observation, string Decision) Inserts(string id, string from) => (
            $"INSERT INTO observations (trial_id, epoch, value, recorded_at) SELECT {id}, @epoch, @value, @observed{from}",
            $"""
            INSERT INTO decisions (trial_id, epoch, action, policy, probability_of_improvement, predicted_median, predicted_low, predicted_high, reason, decided_at, model_sha256)
            SELECT {id}, @epoch, @action, @policy, @poi, @median, @low, @high, @reason, @decided, @model{from}
            """);

        void Bind(DbCommand command, SqlSession s)
        {
            BindDecision(command, s, lease, decision);
            command.With("token", s.Dialect.Token(lease.Token)).With("running", TrialStatus.Running)
                .With("value", value).With("observed", s.Dialect.Time(observedAt));
            if (finishAs is { } final)
            {
                command.With("final", final).With("now", s.Dialect.Time(now));
            }
        }

        if (Dialect.SingleStatementWrites)
        {
            // One autocommitted statement: the fence locks the trial's row only while the lease is current and the epoch
            // is unwritten, and everything else reads from it, so all of it is written or none. A writer of the same
            // epoch that committed while this one waited for the row is not seen by the NOT EXISTS (the statement's
            // snapshot is older), so the unique index refuses the row and the whole statement rolls back.
            var inserts = Inserts("id", " FROM fence");
            string sql =
                $"""
                WITH fence AS (
                    SELECT id FROM trials WHERE {Unwritten} FOR UPDATE
                ), observed AS (
                    {inserts.Observation}
                    RETURNING trial_id
                ), decided AS (
                    {inserts.Decision}
                    RETURNING trial_id
                ), moved AS (
                    {update}
                    WHERE id IN (SELECT id FROM fence)
                    RETURNING id
                )
                SELECT COUNT(*) FROM moved
                """;
            return await _executor.IdempotentStatementAsync("RecordEpoch", async (s, ct) =>
            {
                await using var write = s.Command(sql);
                Bind(write, s);
                try
                {
                    return Convert.ToInt64(await write.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 1;
                }
                catch (DbException ex) when (ex.SqlState == UniqueViolation)
                {
                    return false;
                }
            }, cancellationToken);
        }

        // SQLite: BEGIN IMMEDIATE serialises writers, so the fenced UPDATE's check holds for the inserts after it.
        return await _executor.WriteAsync("RecordEpoch", idempotent: true, async (s, ct) =>
        {
            await using (var fence = s.Command($"{update}\nWHERE {Unwritten}"))
            {
                Bind(fence, s);
                if (await fence.ExecuteNonQueryAsync(ct) != 1)
                {
                    return false;
                }
            }

            var (observation, decided) = Inserts("@trial", string.Empty);
            foreach (string insert in new[] { observation, decided })
            {
                await using var command = s.Command(insert);
                Bind(command, s);
                await command.ExecuteNonQueryAsync(ct);
            }

            return true;
        }, cancellationToken);
    }
}
