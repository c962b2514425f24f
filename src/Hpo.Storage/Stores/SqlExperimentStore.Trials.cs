using System.Data.Common;
using System.Globalization;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Validation;

namespace Hpo.Storage.Stores;

/// <summary>Trials: dense creation, leases (claim, heartbeat, finish), listings and the stale sweep.</summary>
internal sealed partial class SqlExperimentStore
{
    public async Task<TrialRecord> CreateTrialAsync(long experimentId, string parametersJson, CancellationToken cancellationToken = default) =>
        (await CreateTrialCoreAsync(experimentId, parametersJson, condition: null, cancellationToken))!;

    public Task<TrialRecord?> TryCreateTrialAsync(long experimentId, int number, int maxUnfinished, string parametersJson, string? runnerJob = null, CancellationToken cancellationToken = default)
    {
        ValidateCreation(number, maxUnfinished, runnerJob, "number");
        return CreateTrialCoreAsync(experimentId, parametersJson, new CreationCondition(number, maxUnfinished, runnerJob), cancellationToken);
    }

    public async Task<ClaimedTrial?> TryCreateClaimedTrialAsync(long experimentId, int firstNumber, IReadOnlyList<string> proposals, int maxUnfinished, string? runnerJob, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ValidateCreation(firstNumber, maxUnfinished, runnerJob, "firstNumber");
        ArgumentNullException.ThrowIfNull(proposals);
        if (proposals.Count is < 1 or > MaxProposals)
        {
            throw new HpoValidationException($"Field 'proposals' holds {proposals.Count} proposals; a window holds 1–{MaxProposals}.");
        }

        InputValidator.Worker(workerId);
        InputValidator.LeaseDuration(leaseDuration);
        foreach (string proposal in proposals)
        {
            _validate.ParametersSize(proposal);
        }

        var experiment = await GetExperimentFactsAsync(experimentId, cancellationToken);
        foreach (string proposal in proposals)
        {
            _parameterValidator.Validate(experiment.SearchSpaceJson, proposal);
        }

        var now = Now();
        var token = Guid.NewGuid();
        int lastNumber = firstNumber + proposals.Count - 1;
        // The unfinished count is read with the statement's snapshot. A creator that queued on the experiment row behind
        // others gets the row's new version re-checked (PostgreSQL's READ COMMITTED), but its subqueries keep the values
        // they read before, so the count misses the trials those others just made (a window alone once let CI see 4 trials
        // for 3 slots). Every creation moves the counter by one with its one trial, so the counter's move since the
        // snapshot bounds what the count misses: the snapshot's count plus that move must stay below the limit. A creator
        // that queued behind another still creates when slots are left, instead of refusing and reading again (a quarter
        // of the fleet's creations were refused when the counter had to be unmoved). Trials that finished since the
        // snapshot still count, so the bound errs towards refusing.
        string window = $"trial_count BETWEEN @first - 1 AND @last - 1 AND ({UnfinishedCount}) + trial_count - (SELECT trial_count FROM experiments WHERE id = @experiment) < @maxUnfinished";
        const string ClaimedColumns = "experiment_id, number, parameters, status, attempt, created_at, last_epoch, runner_job, lease_token, worker_id, last_heartbeat, started_at";

        async Task<TrialRecord?> Create(SqlSession s, CancellationToken ct)
        {
            DbCommand Bind(DbCommand command) => command
                .With("now", s.Dialect.Time(now)).With("experiment", experimentId).With("first", firstNumber).With("last", lastNumber)
                .With("maxUnfinished", maxUnfinished).With("running", TrialStatus.Running).WithText("runner", runnerJob)
                .With("token", s.Dialect.Token(token)).With("worker", workerId);
            if (s.Dialect.SingleStatementWrites)
            {
                // One autocommitted statement, as the conditional creation: the counter, the proposal its new value picks from
                // the window, and the claim. The experiment row is held while it runs, not across a round trip.
                await using var create = Bind(s.Command(
                    $"""
                    WITH next AS (
                        UPDATE experiments SET trial_count = trial_count + 1, updated_at = @now
                        WHERE id = @experiment AND {OpenExperimentStatus} AND {window}
                        RETURNING trial_count
                    )
                    INSERT INTO trials ({ClaimedColumns})
                    SELECT @experiment, trial_count, CAST((@proposals)[trial_count - @first + 1] AS jsonb), @running, 1, @now, 0, @runner, @token, @worker, @now, @now
                    FROM next
                    RETURNING {TrialColumns}
                    """)).With("proposals", proposals.ToArray());
                if (await ReadSingleAsync(create, ReadTrial, ct) is { } trial)
                {
                    return trial;
                }

                await ThrowUnlessOpenAsync(s, experimentId, experiment.Name, ct);
                return null;
            }

            await using var next = Bind(s.Command(
                $"UPDATE experiments SET trial_count = trial_count + 1, updated_at = @now WHERE id = @experiment AND {OpenExperimentStatus} AND {window} RETURNING trial_count"));
            if (await next.ExecuteScalarAsync(ct) is not { } counted || counted is DBNull)
            {
                await ThrowUnlessOpenAsync(s, experimentId, experiment.Name, ct);
                return null;
            }

            int number = Convert.ToInt32(counted, CultureInfo.InvariantCulture);
            await using var insert = Bind(s.Command(
                $"""
                INSERT INTO trials ({ClaimedColumns})
                VALUES (@experiment, @number, {s.Dialect.Json("@parameters")}, @running, 1, @now, 0, @runner, @token, @worker, @now, @now)
                RETURNING {TrialColumns}
                """)).With("number", number).With("parameters", proposals[number - firstNumber]);
            return (await ReadSingleAsync(insert, ReadTrial, ct))!;
        }

        var created = _executor.Dialect.SingleStatementWrites
            ? await _executor.SingleStatementWriteAsync("TryCreateClaimedTrial", Create, cancellationToken)
            : await _executor.WriteAsync("CreateClaimedTrial", idempotent: false, Create, cancellationToken);
        if (created is null)
        {
            return null;
        }

        RememberTrialFacts(new TrialFacts(created.Id, experimentId, experiment.MaxEpochs, experiment.Direction));
        return new ClaimedTrial(created, new TrialLease(created.Id, token, created.Attempt, workerId, created.LastEpoch));
    }

    private static void ValidateCreation(int number, int maxUnfinished, string? runnerJob, string numberField)
    {
        if (runnerJob is not null && (string.IsNullOrWhiteSpace(runnerJob) || runnerJob.Length > MaxRunnerJobLength))
        {
            throw new HpoValidationException($"Field 'runnerJob' is '{runnerJob}'; a job id is 1–{MaxRunnerJobLength} characters.");
        }

        if (number < 1)
        {
            throw new HpoValidationException($"Field '{numberField}' must be at least 1 (got {number}).");
        }

        if (maxUnfinished < 1)
        {
            throw new HpoValidationException($"Field 'maxUnfinished' must be at least 1 (got {maxUnfinished}).");
        }
    }

    /// <summary>The most proposals a claimed creation's window holds.</summary>
    private const int MaxProposals = 64;

    public Task<long?> FindRunnerJobTrialAsync(long trialId, string runnerJob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runnerJob);
        return _executor.ReadAsync("FindRunnerJobTrial", async (s, ct) =>
        {
            // The experiment's unfinished trials (the partial index), of which this job's are the few it created.
            await using var select = s.Command(
                $"""
                SELECT id FROM trials
                WHERE experiment_id = (SELECT experiment_id FROM trials WHERE id = @trial) AND {UnfinishedStatus} AND runner_job = @job
                ORDER BY number DESC LIMIT 1
                """)
                .With("trial", trialId).With("job", runnerJob);
            return await select.ExecuteScalarAsync(ct) is { } id and not DBNull ? Convert.ToInt64(id, CultureInfo.InvariantCulture) : (long?)null;
        }, cancellationToken);
    }

    /// <summary>Creates the next trial; with a condition, only if it holds (null otherwise, nothing written).</summary>
    private async Task<TrialRecord?> CreateTrialCoreAsync(long experimentId, string parametersJson, CreationCondition? condition, CancellationToken cancellationToken)
    {
        _validate.ParametersSize(parametersJson);
        var experiment = await GetExperimentFactsAsync(experimentId, cancellationToken);
        _parameterValidator.Validate(experiment.SearchSpaceJson, parametersJson);
        var now = Now();

        // The experiment row is the counter: UPDATE … RETURNING locks it, so concurrent creators queue and each
        // gets the next number; a rolled-back creation rolls the counter back too, so numbers stay dense.
        // Not idempotent (a retried creation after a lost COMMIT acknowledgement would add a second trial).
        // A conditional creation's condition is part of the counter's UPDATE: a creator that queued behind another finds
        // the counter moved when it gets the row (PostgreSQL re-checks the row's new version) and writes nothing, so the
        // unfinished count it read is one no creation has changed since; the only other way a trial becomes unfinished
        // is a paused trial's resume, which the fleet does under the experiment's advisory lock.
        string guard = condition is null ? "" :
            $" AND trial_count = @number - 1 AND ({UnfinishedCount}) < @maxUnfinished";
        // A conditional creation on PostgreSQL is its one statement, committed by itself: the experiment row that every
        // slot's creation locks is then held while the statement runs, not across the round trip to COMMIT, so a slot
        // that lost the race learns it at once instead of queueing (measured in a transaction: 4.5 attempts per trial,
        // 11 ms each, as the slots queued on the row).
        async Task<TrialRecord?> Create(SqlSession s, CancellationToken ct)
        {
            if (s.Dialect.SingleStatementWrites)
            {
                // Counter and insert in one statement: the experiment row every creator queues on is then held
                // for one round trip (to COMMIT) instead of two.
                await using var create = WithCondition(s.Command(
                    $"""
                    WITH next AS (
                        UPDATE experiments SET trial_count = trial_count + 1, updated_at = @now
                        WHERE id = @experiment AND {OpenExperimentStatus}{guard}
                        RETURNING trial_count
                    )
                    INSERT INTO trials (experiment_id, number, parameters, status, attempt, created_at, last_epoch, runner_job)
                    SELECT @experiment, trial_count, {s.Dialect.Json("@parameters")}, @status, 0, @now, 0, @runner FROM next
                    RETURNING {TrialColumns}
                    """)
                    .With("now", s.Dialect.Time(now)).With("experiment", experimentId)
                    .With("parameters", parametersJson).With("status", TrialStatus.Pending).WithText("runner", condition?.RunnerJob), condition);
                if (await ReadSingleAsync(create, ReadTrial, ct) is { } trial)
                {
                    return trial;
                }

                // Nothing written: the statements below say whether the experiment is missing or finished, or the condition failed.
                if (condition is not null)
                {
                    await ThrowUnlessOpenAsync(s, experimentId, experiment.Name, ct);
                    return null;
                }
            }

            await using var next = WithCondition(s.Command($"UPDATE experiments SET trial_count = trial_count + 1, updated_at = @now WHERE id = @experiment{guard} RETURNING trial_count, status")
                .With("now", s.Dialect.Time(now)).With("experiment", experimentId), condition);
            var counter = await ReadSingleAsync(next, r => new { Number = r.GetInt32(0), Status = Enum.Parse<ExperimentStatus>(r.GetString(1)) }, ct);
            if (counter is null && condition is not null)
            {
                await ThrowUnlessOpenAsync(s, experimentId, experiment.Name, ct);
                return null;
            }

            if (counter is null)
            {
                throw new NotFoundException($"Experiment {experimentId} does not exist.");
            }

            if (counter.Status is ExperimentStatus.Completed or ExperimentStatus.Cancelled or ExperimentStatus.Failed)
            {
                throw new TrialStateException($"Experiment {experimentId} ('{experiment.Name}') is {counter.Status}; it takes no new trials.");
            }

            await using var insert = s.Command(
                $"""
                INSERT INTO trials (experiment_id, number, parameters, status, attempt, created_at, last_epoch, runner_job)
                VALUES (@experiment, @number, {s.Dialect.Json("@parameters")}, @status, 0, @now, 0, @runner)
                RETURNING {TrialColumns}
                """)
                .With("experiment", experimentId).With("number", counter.Number).With("parameters", parametersJson)
                .With("status", TrialStatus.Pending).With("now", s.Dialect.Time(now)).WithText("runner", condition?.RunnerJob);
            return (await ReadSingleAsync(insert, ReadTrial, ct))!;
        }

        var created = condition is not null && _executor.Dialect.SingleStatementWrites
            ? await _executor.SingleStatementWriteAsync("TryCreateTrial", Create, cancellationToken)
            : await _executor.WriteAsync("CreateTrial", idempotent: false, Create, cancellationToken);
        if (created is not null)
        {
            RememberTrialFacts(new TrialFacts(created.Id, experimentId, experiment.MaxEpochs, experiment.Direction));
        }

        return created;
    }

    private static DbCommand WithCondition(DbCommand command, CreationCondition? condition) =>
        condition is not { } c ? command : command.With("number", c.Number).With("maxUnfinished", c.MaxUnfinished);

    /// <summary>Throws what an unconditional creation would have: the experiment is missing or takes no new trials.</summary>
    private static async Task ThrowUnlessOpenAsync(SqlSession s, long experimentId, string name, CancellationToken ct)
    {
        await using var select = s.Command("SELECT status FROM experiments WHERE id = @id").With("id", experimentId);
        var read = await ReadSingleAsync(select, r => r.GetString(0), ct)
            ?? throw new NotFoundException($"Experiment {experimentId} does not exist.");
        var status = Enum.Parse<ExperimentStatus>(read);

        if (status is ExperimentStatus.Completed or ExperimentStatus.Cancelled or ExperimentStatus.Failed)
        {
            throw new TrialStateException($"Experiment {experimentId} ('{name}') is {status}; it takes no new trials.");
        }
    }

    private readonly record struct CreationCondition(int Number, int MaxUnfinished, string? RunnerJob);

    /// <summary>The longest job id <c>trials.runner_job</c> holds (Hangfire.PostgreSql's are numbers).</summary>
    private const int MaxRunnerJobLength = 100;

    public Task<TrialRecord?> GetTrialAsync(long trialId, CancellationToken cancellationToken = default) =>
        _executor.ReadAsync("GetTrial", async (s, ct) =>
        {
            await using var select = s.Command($"SELECT {TrialColumns} FROM trials WHERE id = @id").With("id", trialId);
            return await ReadSingleAsync(select, ReadTrial, ct);
        }, cancellationToken);

    public async Task<TrialLease> ClaimTrialAsync(long trialId, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        InputValidator.Worker(workerId);
        InputValidator.LeaseDuration(leaseDuration);
        var now = Now();
        var token = Guid.NewGuid();

        // One conditional UPDATE decides the race: of two workers claiming together exactly one matches. Not
        // idempotent: after a lost acknowledgement the caller may hold a lease it never saw; it expires. On PostgreSQL the
        // UPDATE commits by itself: it was a transaction of its own, so BEGIN and COMMIT were a round trip and two
        // statements more per trial, for nothing a single statement does not give.
        async Task<TrialRecord?> ClaimAsync(SqlSession s, CancellationToken ct)
        {
            await using var update = s.Command(
                $"""
                UPDATE trials
                SET status = @running, attempt = attempt + 1, lease_token = @token, worker_id = @worker,
                    last_heartbeat = @now, started_at = COALESCE(started_at, @now),
                    stop_reason = CASE WHEN status = @paused THEN NULL ELSE stop_reason END
                WHERE id = @id AND (status = @pending OR status = @paused OR (status = @running AND (last_heartbeat IS NULL OR last_heartbeat < @expired)))
                RETURNING {TrialColumns}
                """)
                .With("running", TrialStatus.Running).With("pending", TrialStatus.Pending).With("paused", TrialStatus.Paused).With("token", s.Dialect.Token(token))
                .With("worker", workerId).With("now", s.Dialect.Time(now)).With("expired", s.Dialect.Time(now - leaseDuration)).With("id", trialId);
            return await ReadSingleAsync(update, ReadTrial, ct);
        }

        var claimed = Dialect.SingleStatementWrites
            ? await _executor.SingleStatementWriteAsync("ClaimTrial", ClaimAsync, cancellationToken)
            : await _executor.WriteAsync("ClaimTrial", idempotent: false, ClaimAsync, cancellationToken);
        if (claimed is not null)
        {
            if (_experimentFacts.TryGetValue(claimed.ExperimentId, out var experiment))
            {
                RememberTrialFacts(new TrialFacts(claimed.Id, claimed.ExperimentId, experiment.MaxEpochs, experiment.Direction));
            }

            return new TrialLease(claimed.Id, token, claimed.Attempt, workerId, claimed.LastEpoch);
        }

        var trial = await GetTrialAsync(trialId, cancellationToken) ?? throw new NotFoundException($"Trial {trialId} does not exist.");
        if (trial.IsTerminal)
        {
            throw new TrialStateException($"Trial {trialId} is {trial.Status}; a finished trial cannot be claimed.");
        }

        throw new TrialStateException(string.Create(
            CultureInfo.InvariantCulture,
            $"Trial {trialId} is held by worker '{trial.WorkerId}' (attempt {trial.Attempt}, last heartbeat {trial.LastHeartbeat:O}); its lease has not expired."));
    }

    /// <summary>How far a worker's own heartbeat may lag its trials' heartbeats.</summary>
    internal static readonly TimeSpan WorkerHeartbeatGrain = TimeSpan.FromSeconds(1);

    public async Task HeartbeatAsync(TrialLease lease, CancellationToken cancellationToken = default)
    {
        InputValidator.Lease(lease);
        var now = Now();
        // Every slot of a worker heartbeats its trial once per epoch, and they all share the worker's one row: updated
        // each time, its row lock serialised the worker's slots (19.8 ms per update on average in a fleet benchmark).
        // The worker's liveness needs no finer grain than WorkerHeartbeatGrain; past it, the first slot updates it.
        async Task<bool> BeatAsync(SqlSession s, CancellationToken ct)
        {
            if (s.Dialect.SingleStatementWrites)
            {
                // One autocommitted statement: a worker frozen (SIGSTOP, VM pause) between two statements of a
                // transaction would keep the trial's row locked, and the worker taking it over would wait for it.
                await using var beat = s.Command(
                    """
                    WITH renewed AS (
                        UPDATE trials SET last_heartbeat = @now WHERE id = @id AND lease_token = @token AND status = @running RETURNING id),
                    worker AS (
                        UPDATE workers SET last_heartbeat = @now
                        WHERE id = @worker AND last_heartbeat <= @stale AND EXISTS (SELECT 1 FROM renewed) RETURNING id)
                    SELECT COUNT(*) FROM renewed
                    """);
                WithHeartbeat(beat, s, lease, now, trial: true, worker: true);
                if (Convert.ToInt64(await beat.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0)
                {
                    await ThrowLeaseProblemAsync(s, lease, "renew its lease", ct);
                }

                return true;
            }

            await using var update = s.Command("UPDATE trials SET last_heartbeat = @now WHERE id = @id AND lease_token = @token AND status = @running");
            WithHeartbeat(update, s, lease, now, trial: true, worker: false);
            if (await update.ExecuteNonQueryAsync(ct) == 0)
            {
                await ThrowLeaseProblemAsync(s, lease, "renew its lease", ct);
            }

            await using var worker = s.Command("UPDATE workers SET last_heartbeat = @now WHERE id = @worker AND last_heartbeat <= @stale");
            WithHeartbeat(worker, s, lease, now, trial: false, worker: true);
            await worker.ExecuteNonQueryAsync(ct);
            return true;
        }

        await (Dialect.SingleStatementWrites
            ? _executor.IdempotentStatementAsync("Heartbeat", BeatAsync, cancellationToken)
            : _executor.WriteAsync("Heartbeat", idempotent: true, BeatAsync, cancellationToken));
    }

    private static void WithHeartbeat(DbCommand command, SqlSession s, TrialLease lease, DateTimeOffset now, bool trial, bool worker)
    {
        command.With("now", s.Dialect.Time(now));
        if (trial)
        {
            command.With("id", lease.TrialId).With("token", s.Dialect.Token(lease.Token)).With("running", TrialStatus.Running);
        }

        if (worker)
        {
            command.With("worker", lease.WorkerId).With("stale", s.Dialect.Time(now - WorkerHeartbeatGrain));
        }
    }

    public async Task FinishTrialAsync(TrialLease lease, TrialStatus status, string? detail = null, CancellationToken cancellationToken = default)
    {
        InputValidator.Lease(lease);
        _validate.Finish(status, detail);
        var now = Now();
        async Task<bool> FinishAsync(SqlSession s, CancellationToken ct)
        {
            await using var update = s.Command(
                """
                UPDATE trials SET status = @status, finished_at = @now, stop_reason = @reason, error = @error
                WHERE id = @id AND lease_token = @token AND status = @running
                """)
                .With("status", status).With("now", s.Dialect.Time(now))
                .WithText("reason", status == TrialStatus.Stopped ? detail : null).WithText("error", status == TrialStatus.Failed ? detail : null)
                .With("id", lease.TrialId).With("token", s.Dialect.Token(lease.Token)).With("running", TrialStatus.Running);
            if (await update.ExecuteNonQueryAsync(ct) == 1)
            {
                return true;
            }

            // Finished already by this very lease with the same status: a retry, nothing to do.
            var state = await ReadLeaseStateAsync(s, lease.TrialId, ct);
            if (state is not null && state.Token == lease.Token && state.Status == status)
            {
                return false;
            }

            await ThrowLeaseProblemAsync(s, lease, $"finish as {status}", ct);
            return false;
        }

        // The fenced UPDATE is the only write and the read after a miss only explains it (a lease never becomes
        // current again), so PostgreSQL needs no transaction around them: no BEGIN/COMMIT round trip.
        await (Dialect.SingleStatementWrites
            ? _executor.IdempotentStatementAsync("FinishTrial", FinishAsync, cancellationToken)
            : _executor.WriteAsync("FinishTrial", idempotent: true, FinishAsync, cancellationToken));
    }

    public async Task<IReadOnlyList<TrialRecord>> FindStaleTrialsAsync(DateTimeOffset heartbeatBefore, long? experimentId = null, CancellationToken cancellationToken = default) =>
        await _executor.ReadAsync("FindStaleTrials", async (s, ct) =>
        {
            await using var select = s.Command(
                $"""
                SELECT {TrialColumns} FROM trials
                WHERE status = @running AND last_heartbeat < @before {(experimentId is null ? string.Empty : "AND experiment_id = @experiment")}
                ORDER BY last_heartbeat, id
                """)
                .With("running", TrialStatus.Running).With("before", s.Dialect.Time(heartbeatBefore));
            if (experimentId is not null)
            {
                select.With("experiment", experimentId.Value);
            }

            return await ReadAllAsync(select, ReadTrial, ct);
        }, cancellationToken);

    public async Task<Page<TrialRecord>> ListTrialsAsync(long experimentId, int pageNumber = 1, int pageSize = 100, TrialStatus? status = null, CancellationToken cancellationToken = default)
    {
        _validate.Page(pageNumber, pageSize);
        if (status is { } requested && !Enum.IsDefined(requested))
        {
            throw new HpoValidationException($"status {requested} is not one of {string.Join(", ", Enum.GetNames<TrialStatus>())}.");
        }

        await GetExperimentFactsAsync(experimentId, cancellationToken);
        string filter = status is null ? string.Empty : " AND status = @status";
        return await _executor.ReadAsync("ListTrials", async (s, ct) =>
        {
            await using var count = s.Command($"SELECT COUNT(*) FROM trials WHERE experiment_id = @experiment{filter}").With("experiment", experimentId);
            await using var select = s.Command($"SELECT {TrialColumns} FROM trials WHERE experiment_id = @experiment{filter} ORDER BY number LIMIT @limit OFFSET @offset")
                .With("experiment", experimentId).With("limit", pageSize).With("offset", (long)(pageNumber - 1) * pageSize);
            if (status is not null)
            {
                count.With("status", status.Value);
                select.With("status", status.Value);
            }

            long total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            var items = await ReadAllAsync(select, ReadTrial, ct);
            return new Page<TrialRecord>(items, pageNumber, pageSize, total);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<TrialStatusCount>> CountTrialsAsync(long experimentId, CancellationToken cancellationToken = default)
    {
        await GetExperimentFactsAsync(experimentId, cancellationToken);
        return await _executor.ReadAsync("CountTrials", async (s, ct) =>
        {
            await using var select = s.Command("SELECT status, COUNT(*), COALESCE(SUM(last_epoch), 0) FROM trials WHERE experiment_id = @experiment GROUP BY status ORDER BY status")
                .With("experiment", experimentId);
            return await ReadAllAsync(select, r => new TrialStatusCount(Enum.Parse<TrialStatus>(r.GetString(0)), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)), ct);
        }, cancellationToken);
    }

    public async Task<TrialSlots> GetTrialSlotsAsync(long experimentId, bool includeEpochs, CancellationToken cancellationToken = default)
    {
        await GetExperimentFactsAsync(experimentId, cancellationToken);
        return await _executor.ReadAsync("GetTrialSlots", async (s, ct) =>
        {
            // The experiment's counter and the partial index of unfinished trials: neither visits the finished trials.
            await using var select = s.Command(includeEpochs ? SlotCountsWithEpochs : SlotCounts)
                .With("experiment", experimentId);
            return await ReadSingleAsync(select, r => new TrialSlots(
                Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture),
                Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
                r.IsDBNull(2) ? null : Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)), ct)
                ?? throw new InvalidOperationException("The slot counts read no row.");
        }, cancellationToken);
    }

    private static async Task<LeaseState?> ReadLeaseStateAsync(SqlSession s, long trialId, CancellationToken ct)
    {
        await using var select = s.Command("SELECT status, lease_token, attempt, worker_id FROM trials WHERE id = @id").With("id", trialId);
        return await ReadSingleAsync(select, r => new LeaseState(Enum.Parse<TrialStatus>(r.GetString(0)), s.Dialect.ReadTokenOrNull(r, 1), r.GetInt32(2), r.GetStringOrNull(3)), ct);
    }

    /// <summary>
    /// Throws the typed lease error unless <paramref name="lease"/> is current, taking the trial's row lock on
    /// PostgreSQL (SQLite's write transaction already holds the database), so no takeover can commit until this
    /// transaction ends.
    /// </summary>
    private static async Task LockCurrentLeaseAsync(SqlSession s, TrialLease lease, string action, CancellationToken ct)
    {
        await using var select = s.Command($"SELECT status, lease_token, attempt, worker_id FROM trials t WHERE id = @id{s.Dialect.ForUpdateOf("t")}").With("id", lease.TrialId);
        var state = await ReadSingleAsync(select, r => new LeaseState(Enum.Parse<TrialStatus>(r.GetString(0)), s.Dialect.ReadTokenOrNull(r, 1), r.GetInt32(2), r.GetStringOrNull(3)), ct);
        if (state is null || state.Token != lease.Token || state.Status != TrialStatus.Running)
        {
            throw LeaseProblem(state, lease, action);
        }
    }

    /// <summary>Explains why a lease-fenced write matched no row, as the typed error the contract promises.</summary>
    private static async Task ThrowLeaseProblemAsync(SqlSession s, TrialLease lease, string action, CancellationToken ct) =>
        throw LeaseProblem(await ReadLeaseStateAsync(s, lease.TrialId, ct), lease, action);

    private static Exception LeaseProblem(LeaseState? state, TrialLease lease, string action)
    {
        if (state is null)
        {
            return new NotFoundException($"Trial {lease.TrialId} does not exist.");
        }

        if (state.Token != lease.Token)
        {
            return new StaleLeaseException(
                $"Trial {lease.TrialId}: worker '{lease.WorkerId}' cannot {action}: its lease (attempt {lease.Attempt}) is stale; " +
                $"the trial was claimed again (attempt {state.Attempt}, worker '{state.WorkerId}'). Nothing was written.");
        }

        return new TrialStateException($"Trial {lease.TrialId} is {state.Status}; worker '{lease.WorkerId}' cannot {action}. Nothing was written.");
    }

    private sealed record LeaseState(TrialStatus Status, Guid? Token, int Attempt, string? WorkerId);
}
