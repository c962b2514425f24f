using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Persistence;

/// <summary>
/// A complete <see cref="IExperimentStore"/> held in memory: for tests, simulations and a single
/// process that needs no durability. It honours the whole contract (dense trial numbers, leases and
/// stale-lease rejection, idempotent writes with conflict errors, typed exceptions); one lock guards
/// all state, which is plenty for an in-process scheduler.
/// </summary>
/// <remarks>
/// Beyond the interface's words it fixes these choices (Hpo.Storage's SQL stores should make the same):
/// a duplicate experiment name, a bad page, an epoch outside 1..MaxEpochs or parameters outside the
/// search space are <see cref="HpoValidationException"/>; unknown experiments and trials are
/// <see cref="NotFoundException"/>; a write with the last lease of a finished trial is
/// <see cref="TrialStateException"/> and with an older lease <see cref="StaleLeaseException"/>; a
/// decision differing from the stored one for the same epoch (ignoring <see cref="DecisionRecord.DecidedAt"/>,
/// which a retry recomputes) is <see cref="ObservationConflictException"/>.
/// </remarks>
public sealed class InMemoryExperimentStore : IExperimentStore
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<ExperimentState> _experiments = [];
    private readonly Dictionary<long, TrialState> _trials = [];
    private readonly Dictionary<string, WorkerRecord> _workers = new(StringComparer.Ordinal);

    // Every observation in insertion order; position i holds the observation with commit position i + 1.
    private readonly List<(TrialState Trial, int Epoch, double Value, DateTimeOffset RecordedAt)> _log = [];
    private long _nextTrialId = 1;

    /// <summary>Creates an empty store whose timestamps come from <paramref name="timeProvider"/> (the system clock by default).</summary>
    public InMemoryExperimentStore(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public Task<ExperimentRecord> CreateExperimentAsync(ExperimentSpec spec, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(spec);
        var space = ValidateSpec(spec);
        lock (_gate)
        {
            if (_experiments.Any(e => e.Record.Spec.Name == spec.Name))
            {
                throw new HpoValidationException($"Field 'Name': an experiment named '{spec.Name}' already exists.");
            }

            var now = _time.GetUtcNow();
            var state = new ExperimentState(new ExperimentRecord(_experiments.Count + 1, spec, ExperimentStatus.Created, now, now), space);
            _experiments.Add(state);
            return Task.FromResult(state.Record);
        }
    }

    /// <inheritdoc />
    public Task<ExperimentRecord?> GetExperimentAsync(long experimentId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(FindExperiment(experimentId)?.Record);
        }
    }

    /// <inheritdoc />
    public Task<ExperimentRecord?> FindExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_experiments.FirstOrDefault(e => e.Record.Spec.Name == name)?.Record);
        }
    }

    /// <inheritdoc />
    public Task SetExperimentStatusAsync(long experimentId, ExperimentStatus status, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Enum.IsDefined(status))
        {
            throw new HpoValidationException($"Field 'status' has the undefined value {(int)status}.");
        }

        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            e.Record = e.Record with { Status = status, UpdatedAt = _time.GetUtcNow() };
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Page<ExperimentRecord>> ListExperimentsAsync(int pageNumber = 1, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidatePage(pageNumber, pageSize);
        lock (_gate)
        {
            var items = _experiments.Select(e => e.Record).OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
                .Skip((pageNumber - 1) * pageSize).Take(pageSize).ToArray();
            return Task.FromResult(new Page<ExperimentRecord>(items, pageNumber, pageSize, _experiments.Count));
        }
    }

    /// <inheritdoc />
    public Task<TrialRecord> CreateTrialAsync(long experimentId, string parametersJson, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = ParseParameters(parametersJson);
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            return Task.FromResult(AddTrial(e, parameters, parametersJson));
        }
    }

    /// <inheritdoc />
    public Task<TrialRecord?> TryCreateTrialAsync(long experimentId, int number, int maxUnfinished, string parametersJson, string? runnerJob = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateRunnerJob(runnerJob);
        if (number < 1)
        {
            throw new HpoValidationException($"Field 'number' must be at least 1 (got {number}).");
        }

        if (maxUnfinished < 1)
        {
            throw new HpoValidationException($"Field 'maxUnfinished' must be at least 1 (got {maxUnfinished}).");
        }

        var parameters = ParseParameters(parametersJson);
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            if (e.Record.Status is ExperimentStatus.Completed or ExperimentStatus.Cancelled or ExperimentStatus.Failed)
            {
                throw new TrialStateException($"Experiment {experimentId} ('{e.Record.Spec.Name}') is {e.Record.Status}; it takes no new trials.");
            }

            int unfinished = _trials.Values.Count(t => t.Experiment == e && t.Status is TrialStatus.Pending or TrialStatus.Running);
            if (e.TrialCount != number - 1 || unfinished >= maxUnfinished)
            {
                return Task.FromResult<TrialRecord?>(null);
            }

            var trial = AddTrial(e, parameters, parametersJson);
            _trials[trial.Id].RunnerJob = runnerJob;
            return Task.FromResult<TrialRecord?>(trial);
        }
    }

    /// <inheritdoc />
    public Task<ClaimedTrial?> TryCreateClaimedTrialAsync(long experimentId, int firstNumber, IReadOnlyList<string> proposals, int maxUnfinished, string? runnerJob, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateRunnerJob(runnerJob);
        ArgumentNullException.ThrowIfNull(proposals);
        if (firstNumber < 1)
        {
            throw new HpoValidationException($"Field 'firstNumber' must be at least 1 (got {firstNumber}).");
        }

        if (maxUnfinished < 1)
        {
            throw new HpoValidationException($"Field 'maxUnfinished' must be at least 1 (got {maxUnfinished}).");
        }

        if (proposals.Count is < 1 or > 64)
        {
            throw new HpoValidationException($"Field 'proposals' holds {proposals.Count} proposals; a window holds 1–64.");
        }

        ValidateLease(workerId, leaseDuration);
        var parsed = proposals.Select(ParseParameters).ToArray();
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            foreach (var parameters in parsed)
            {
                ValidateInSpace(e, parameters);
            }

            if (e.Record.Status is ExperimentStatus.Completed or ExperimentStatus.Cancelled or ExperimentStatus.Failed)
            {
                throw new TrialStateException($"Experiment {experimentId} ('{e.Record.Spec.Name}') is {e.Record.Status}; it takes no new trials.");
            }

            int index = e.TrialCount + 1 - firstNumber;
            int unfinished = _trials.Values.Count(t => t.Experiment == e && t.Status is TrialStatus.Pending or TrialStatus.Running);
            if (index < 0 || index >= proposals.Count || unfinished >= maxUnfinished)
            {
                return Task.FromResult<ClaimedTrial?>(null);
            }

            var created = AddTrial(e, parsed[index], proposals[index]);
            var t = _trials[created.Id];
            t.RunnerJob = runnerJob;
            var lease = Claim(t, workerId);
            return Task.FromResult<ClaimedTrial?>(new ClaimedTrial(t.ToRecord(), lease));
        }
    }

    /// <inheritdoc />
    public Task<long?> FindRunnerJobTrialAsync(long trialId, string runnerJob, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(runnerJob);
        ValidateRunnerJob(runnerJob);
        lock (_gate)
        {
            var own = RequireTrial(trialId);
            var found = _trials.Values
                .Where(t => t.Experiment == own.Experiment && t.RunnerJob == runnerJob && t.Status is TrialStatus.Pending or TrialStatus.Running)
                .MaxBy(t => t.Number);
            return Task.FromResult(found?.Id);
        }
    }

    private static void ValidateRunnerJob(string? runnerJob)
    {
        if (runnerJob is not null && (string.IsNullOrWhiteSpace(runnerJob) || runnerJob.Length > 100))
        {
            throw new HpoValidationException($"Field 'runnerJob' is '{runnerJob}'; a job id is 1–100 characters.");
        }
    }

    private static TrialParameters ParseParameters(string parametersJson)
    {
        try
        {
            return TrialParameters.FromJson(parametersJson ?? throw new HpoValidationException("Field 'parametersJson' is null."));
        }
        catch (FormatException ex)
        {
            throw new HpoValidationException($"Field 'parametersJson': {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new HpoValidationException($"Field 'parametersJson': {ex.Message}", ex);
        }
    }

    private TrialRecord AddTrial(ExperimentState e, TrialParameters parameters, string parametersJson)
    {
        ValidateInSpace(e, parameters);
        var trial = new TrialState(_nextTrialId++, e, ++e.TrialCount, parametersJson, _time.GetUtcNow());
        _trials.Add(trial.Id, trial);
        return trial.ToRecord();
    }

    private static void ValidateInSpace(ExperimentState e, TrialParameters parameters)
    {
        var errors = e.Space.FindErrors(parameters);
        if (errors.Count > 0)
        {
            throw new HpoValidationException($"Field 'parametersJson': {string.Join(" ", errors)}");
        }
    }

    /// <inheritdoc />
    public Task<TrialRecord?> GetTrialAsync(long trialId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_trials.TryGetValue(trialId, out var t) ? t.ToRecord() : null);
        }
    }

    /// <inheritdoc />
    public Task<TrialLease> ClaimTrialAsync(long trialId, string workerId, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateLease(workerId, leaseDuration);
        lock (_gate)
        {
            var t = RequireTrial(trialId);
            var now = _time.GetUtcNow();
            if (t.IsTerminal)
            {
                throw new TrialStateException($"Trial {trialId} has already ended ({t.Status}); it cannot be claimed.");
            }

            if (t.Status == TrialStatus.Running && t.LastHeartbeat >= now - leaseDuration)
            {
                throw new TrialStateException($"Trial {trialId} is held by worker '{t.WorkerId}' under a live lease (last heartbeat {t.LastHeartbeat:O}).");
            }

            if (t.Status == TrialStatus.Paused)
            {
                t.StopReason = null;
            }

            return Task.FromResult(Claim(t, workerId));
        }
    }

    private static void ValidateLease(string workerId, TimeSpan leaseDuration)
    {
        if (string.IsNullOrWhiteSpace(workerId))
        {
            throw new HpoValidationException("Field 'workerId' is empty.");
        }

        if (leaseDuration <= TimeSpan.Zero)
        {
            throw new HpoValidationException($"Field 'leaseDuration' is {leaseDuration}; it must be positive.");
        }
    }

    /// <summary>Gives <paramref name="t"/> a new lease for <paramref name="workerId"/> (under the gate).</summary>
    private TrialLease Claim(TrialState t, string workerId)
    {
        var now = _time.GetUtcNow();
        t.Status = TrialStatus.Running;
        t.Attempt++;
        t.LeaseToken = Guid.NewGuid();
        t.LastLeaseToken = t.LeaseToken;
        t.WorkerId = workerId;
        t.LastHeartbeat = now;
        t.StartedAt ??= now;
        return new TrialLease(t.Id, t.LeaseToken.Value, t.Attempt, workerId, t.LastEpoch);
    }

    /// <inheritdoc />
    public Task PauseTrialAsync(TrialLease lease, int epoch, ReadOnlyMemory<byte> checkpoint, string? reason = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(lease);
        if (checkpoint.IsEmpty)
        {
            throw new HpoValidationException($"Field 'checkpoint' of trial {lease.TrialId} is empty; a paused trial needs the state to resume from.");
        }

        lock (_gate)
        {
            var t = RequireTrial(lease.TrialId);
            ValidateEpoch(t, epoch);
            if (t.Status == TrialStatus.Paused && t.LastLeaseToken == lease.Token && t.Checkpoint?.Epoch == epoch)
            {
                return Task.CompletedTask;
            }

            RequireLease(lease);
            if (epoch != t.LastEpoch)
            {
                throw new HpoValidationException($"Field 'epoch' is {epoch}; trial {t.Id} has recorded epochs up to {t.LastEpoch}, and a checkpoint is taken after the last one.");
            }

            t.Checkpoint = new TrialCheckpoint(t.Id, epoch, checkpoint.ToArray(), _time.GetUtcNow());
            t.Status = TrialStatus.Paused;
            t.LeaseToken = null;
            t.StopReason = reason;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<TrialCheckpoint?> GetCheckpointAsync(long trialId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var stored = RequireTrial(trialId).Checkpoint;
            return Task.FromResult(stored is null ? null : stored with { Data = stored.Data.ToArray() });
        }
    }

    /// <inheritdoc />
    public Task StopPausedTrialAsync(long trialId, string reason, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new HpoValidationException("Field 'reason' is empty; say why the paused trial ends.");
        }

        lock (_gate)
        {
            var t = RequireTrial(trialId);
            if (t.Status == TrialStatus.Stopped)
            {
                return Task.CompletedTask;
            }

            if (t.Status != TrialStatus.Paused)
            {
                throw new TrialStateException($"Trial {trialId} is {t.Status}; only a paused trial can be stopped for good without its lease.");
            }

            t.Status = TrialStatus.Stopped;
            t.FinishedAt = _time.GetUtcNow();
            t.StopReason = reason;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RequeuePausedTrialAsync(long trialId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var t = RequireTrial(trialId);
            if (t.Status != TrialStatus.Paused)
            {
                return Task.FromResult(false);
            }

            t.Status = TrialStatus.Pending;
            t.StopReason = null;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task HeartbeatAsync(TrialLease lease, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(lease);
        lock (_gate)
        {
            RequireLease(lease).LastHeartbeat = _time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task FinishTrialAsync(TrialLease lease, TrialStatus status, string? detail = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(lease);
        if (status is not (TrialStatus.Completed or TrialStatus.Stopped or TrialStatus.Failed))
        {
            throw new HpoValidationException($"Field 'status' is {status}; a trial ends as Completed, Stopped or Failed.");
        }

        lock (_gate)
        {
            var t = RequireTrial(lease.TrialId);
            if (t.IsTerminal && t.LastLeaseToken == lease.Token)
            {
                return t.Status == status
                    ? Task.CompletedTask
                    : throw new TrialStateException($"Trial {t.Id} has already ended as {t.Status}; it cannot end as {status}.");
            }

            RequireLease(lease);
            t.Status = status;
            t.FinishedAt = _time.GetUtcNow();
            t.LeaseToken = null;
            t.StopReason = status == TrialStatus.Stopped ? detail : null;
            t.Error = status == TrialStatus.Failed ? detail : null;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<RecordOutcome> RecordObservationAsync(TrialLease lease, int epoch, double value, CancellationToken cancellationToken = default) =>
        (await RecordObservationsAsync(lease, [(epoch, value)], cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordOutcome>> RecordObservationsAsync(TrialLease lease, IReadOnlyList<(int Epoch, double Value)> observations, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(observations);
        lock (_gate)
        {
            return Task.FromResult(RecordObservationsCore(lease, observations, _time.GetUtcNow()));
        }
    }

    private IReadOnlyList<RecordOutcome> RecordObservationsCore(TrialLease lease, IReadOnlyList<(int Epoch, double Value)> observations, DateTimeOffset now)
    {
        lock (_gate)
        {
            var t = RequireTrial(lease.TrialId);
            foreach (var (epoch, value) in observations)
            {
                ValidateEpoch(t, epoch);
                if (!double.IsFinite(value))
                {
                    throw new HpoValidationException($"Field 'value' of epoch {epoch} is {value.ToString(CultureInfo.InvariantCulture)}; it must be finite.");
                }
            }

            RequireLease(lease);

            // Check every row before writing any, so a conflicting batch leaves nothing half-written.
            var pending = new Dictionary<int, double>();
            var outcomes = new RecordOutcome[observations.Count];
            for (int i = 0; i < observations.Count; i++)
            {
                var (epoch, value) = observations[i];
                double? stored = t.Curve.TryGetValue(epoch, out var o) ? o.Value : pending.TryGetValue(epoch, out var p) ? p : null;
                if (stored is { } s && s != value)
                {
                    throw new ObservationConflictException($"Trial {t.Id} already has {s.ToString(CultureInfo.InvariantCulture)} at epoch {epoch}; {value.ToString(CultureInfo.InvariantCulture)} was rejected.");
                }

                outcomes[i] = stored is null ? RecordOutcome.Inserted : RecordOutcome.AlreadyRecorded;
                pending[epoch] = value;
            }

            foreach (var (epoch, value) in pending)
            {
                if (t.Curve.TryAdd(epoch, new ObservationRecord(t.Id, epoch, value, now)))
                {
                    _log.Add((t, epoch, value, now));
                }
            }

            return outcomes;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<long, IReadOnlyList<ObservationRecord>>> GetCurvesAsync(IReadOnlyCollection<long> trialIds, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(trialIds);
        lock (_gate)
        {
            var result = new Dictionary<long, IReadOnlyList<ObservationRecord>>();
            foreach (long id in trialIds.Distinct())
            {
                result[id] = _trials.TryGetValue(id, out var t) ? t.Curve.Values.ToArray() : [];
            }

            return Task.FromResult<IReadOnlyDictionary<long, IReadOnlyList<ObservationRecord>>>(result);
        }
    }

    /// <inheritdoc />
    public Task<ObservationChanges> ReadObservationChangesAsync(long experimentId, ObservationCursor? after = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            int from = (int)Math.Clamp(after?.Position ?? 0, 0, _log.Count);
            var changes = new List<ObservationChange>();
            for (int i = from; i < _log.Count; i++)
            {
                var (trial, epoch, value, recordedAt) = _log[i];
                if (trial.Experiment == e)
                {
                    changes.Add(new ObservationChange(trial.Id, trial.Number, epoch, value, recordedAt));
                }
            }

            return Task.FromResult(new ObservationChanges(changes, new ObservationCursor(_log.Count, [])));
        }
    }

    /// <inheritdoc />
    public Task<string> BindDecisionModelAsync(long experimentId, string modelSha256, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrWhiteSpace(modelSha256);
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            e.ModelSha256 ??= modelSha256;
            return Task.FromResult(e.ModelSha256);
        }
    }

    /// <inheritdoc />
    public Task<double?> GetBestValueAsync(long experimentId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            double? best = null;
            foreach (var t in _trials.Values.Where(t => t.Experiment == e))
            {
                if (t.BestValue is { } v && (best is null || e.IsBetter(v, best.Value)))
                {
                    best = v;
                }
            }

            return Task.FromResult(best);
        }
    }

    /// <inheritdoc />
    public Task<RecordOutcome> RecordDecisionAsync(TrialLease lease, DecisionRecord decision, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateDecision(lease, decision);
        lock (_gate)
        {
            var t = RequireTrial(lease.TrialId);
            ValidateEpoch(t, decision.Epoch);
            RequireLease(lease);
            if (t.Decisions.TryGetValue(decision.Epoch, out var stored))
            {
                return stored with { DecidedAt = decision.DecidedAt } == decision
                    ? Task.FromResult(RecordOutcome.AlreadyRecorded)
                    : throw new ObservationConflictException($"Trial {t.Id} already has a different decision at epoch {decision.Epoch} ({stored.Action} by {stored.Policy}); the new one was rejected.");
            }

            t.Decisions.Add(decision.Epoch, decision);
            return Task.FromResult(RecordOutcome.Inserted);
        }
    }

    private static void ValidateDecision(TrialLease lease, DecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.TrialId != lease.TrialId)
        {
            throw new HpoValidationException($"Field 'TrialId' of the decision ({decision.TrialId}) differs from the lease's trial ({lease.TrialId}).");
        }

        if (string.IsNullOrWhiteSpace(decision.Policy))
        {
            throw new HpoValidationException("Field 'Policy' of the decision is empty.");
        }

        if (!Enum.IsDefined(decision.Action))
        {
            throw new HpoValidationException($"Field 'Action' of the decision has the undefined value {(int)decision.Action}.");
        }
    }

    /// <inheritdoc />
    public Task<bool> TryRecordEpochAsync(TrialLease lease, int epoch, double value, DateTimeOffset recordedAt, DecisionRecord decision, TrialStatus? finishAs = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateDecision(lease, decision);
        if (decision.Epoch != epoch)
        {
            throw new HpoValidationException($"Field 'decision.Epoch' is {decision.Epoch}; the decision of epoch {epoch} is recorded with it.");
        }

        if (finishAs is { } end && !(end == TrialStatus.Stopped ? decision.Action == DecisionAction.Stop : end == TrialStatus.Completed && decision.Action == DecisionAction.Continue))
        {
            throw new HpoValidationException($"Field 'finishAs' is {end}; an epoch's write ends a trial as Stopped with a Stop decision, as Completed with a Continue decision, or not at all.");
        }

        if (!double.IsFinite(value))
        {
            throw new HpoValidationException($"Field 'value' of epoch {epoch} is {value.ToString(CultureInfo.InvariantCulture)}; it must be finite.");
        }

        lock (_gate)
        {
            var t = RequireTrial(lease.TrialId);
            ValidateEpoch(t, epoch);
            if (t.Status != TrialStatus.Running || t.LeaseToken != lease.Token || t.Curve.ContainsKey(epoch) || t.Decisions.ContainsKey(epoch))
            {
                return Task.FromResult(false);
            }

            // Everything is checked above, and the one-by-one writes run under the store's (re-entrant) lock: nobody
            // sees the value without its decision.
            RecordObservationsCore(lease, [(epoch, value)], recordedAt);
            t.Decisions.Add(epoch, decision);
            if (finishAs is { } status)
            {
                _ = FinishTrialAsync(lease, status, status == TrialStatus.Stopped ? decision.Reason : null, cancellationToken);
            }

            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DecisionRecord>> GetDecisionsAsync(long trialId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DecisionRecord>>(RequireTrial(trialId).Decisions.Values.ToArray());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<long, IReadOnlyList<DecisionRecord>>> GetDecisionsAsync(IReadOnlyCollection<long> trialIds, DateTimeOffset? decidedAfter = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(trialIds);
        lock (_gate)
        {
            var result = new Dictionary<long, IReadOnlyList<DecisionRecord>>();
            foreach (long id in trialIds.Distinct())
            {
                result[id] = _trials.TryGetValue(id, out var t)
                    ? t.Decisions.Values.Where(d => decidedAfter is null || d.DecidedAt > decidedAfter).ToArray()
                    : [];
            }

            return Task.FromResult<IReadOnlyDictionary<long, IReadOnlyList<DecisionRecord>>>(result);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TrialRecord>> FindStaleTrialsAsync(DateTimeOffset heartbeatBefore, long? experimentId = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<TrialRecord>>(_trials.Values
                .Where(t => t.Status == TrialStatus.Running && t.LastHeartbeat < heartbeatBefore && (experimentId is null || t.Experiment.Record.Id == experimentId))
                .OrderBy(t => t.Id)
                .Select(t => t.ToRecord())
                .ToArray());
        }
    }

    /// <inheritdoc />
    public Task<Page<TrialRecord>> ListTrialsAsync(long experimentId, int pageNumber = 1, int pageSize = 100, TrialStatus? status = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidatePage(pageNumber, pageSize);
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            var all = _trials.Values.Where(t => t.Experiment == e && (status is null || t.Status == status)).OrderBy(t => t.Number).ToArray();
            var items = all.Skip((pageNumber - 1) * pageSize).Take(pageSize).Select(t => t.ToRecord()).ToArray();
            return Task.FromResult(new Page<TrialRecord>(items, pageNumber, pageSize, all.Length));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TrialStatusCount>> CountTrialsAsync(long experimentId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            IReadOnlyList<TrialStatusCount> counts = _trials.Values
                .Where(t => t.Experiment == e)
                .GroupBy(t => t.Status)
                .OrderBy(g => g.Key.ToString(), StringComparer.Ordinal)
                .Select(g => new TrialStatusCount(g.Key, g.Count(), g.Sum(t => (long)t.LastEpoch)))
                .ToList();
            return Task.FromResult(counts);
        }
    }

    /// <inheritdoc />
    public Task<TrialSlots> GetTrialSlotsAsync(long experimentId, bool includeEpochs, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var e = RequireExperiment(experimentId);
            var trials = _trials.Values.Where(t => t.Experiment == e).ToList();
            return Task.FromResult(new TrialSlots(
                trials.Count == 0 ? 0 : trials.Max(t => t.Number),
                trials.Count(t => t.Status is TrialStatus.Pending or TrialStatus.Running),
                includeEpochs ? trials.Sum(t => (long)t.LastEpoch) : null));
        }
    }

    /// <inheritdoc />
    public Task<StoreTotals> GetTotalsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var trials = _trials.Values;
            return Task.FromResult(StoreTotals.Create(
                trials.GroupBy(t => t.Status).Select(g => KeyValuePair.Create(g.Key, (long)g.Count())),
                trials.Sum(t => (long)t.Curve.Count),
                trials.SelectMany(t => t.Decisions.Values).GroupBy(d => d.Action).Select(g => KeyValuePair.Create(g.Key, (long)g.Count())),
                trials.Where(t => t.Status == TrialStatus.Stopped).Sum(t => (long)(t.Experiment.Record.Spec.MaxEpochs - t.LastEpoch))));
        }
    }

    /// <inheritdoc />
    public Task<WorkerRecord> UpsertWorkerAsync(string workerId, string host, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(workerId))
        {
            throw new HpoValidationException("Field 'workerId' is empty.");
        }

        if (string.IsNullOrWhiteSpace(host))
        {
            throw new HpoValidationException("Field 'host' is empty.");
        }

        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var record = _workers.TryGetValue(workerId, out var existing)
                ? existing with { Host = host, LastHeartbeat = now }
                : new WorkerRecord(workerId, host, now, now);
            _workers[workerId] = record;
            return Task.FromResult(record);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WorkerRecord>>(_workers.Values.OrderByDescending(w => w.LastHeartbeat).ThenBy(w => w.Id, StringComparer.Ordinal).ToArray());
        }
    }

    private static SearchSpace ValidateSpec(ExperimentSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            throw new HpoValidationException("Field 'Name' is empty.");
        }

        if (string.IsNullOrWhiteSpace(spec.MetricName))
        {
            throw new HpoValidationException("Field 'MetricName' is empty.");
        }

        if (!Enum.IsDefined(spec.Direction))
        {
            throw new HpoValidationException($"Field 'Direction' has the undefined value {(int)spec.Direction}.");
        }

        new Stopping.MetricSettings(spec.Direction, spec.MaxEpochs, spec.MetricLowerBound, spec.MetricUpperBound).Validated();
        RequireJsonObject(spec.TunerJson, "TunerJson");
        RequireJsonObject(spec.PolicyJson, "PolicyJson");
        if (spec.SettingsJson is not null)
        {
            RequireJsonObject(spec.SettingsJson, "SettingsJson");
        }

        try
        {
            return SearchSpace.FromJson(spec.SearchSpaceJson ?? throw new HpoValidationException("Field 'SearchSpaceJson' is null."));
        }
        catch (HpoValidationException ex)
        {
            throw new HpoValidationException($"Field 'SearchSpaceJson': {ex.Message}", ex);
        }
    }

    private static void RequireJsonObject(string? json, string field)
    {
        try
        {
            if (json is null || JsonNode.Parse(json) is not JsonObject)
            {
                throw new HpoValidationException($"Field '{field}' must be a JSON object.");
            }
        }
        catch (JsonException ex)
        {
            throw new HpoValidationException($"Field '{field}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void ValidatePage(int pageNumber, int pageSize)
    {
        if (pageNumber < 1)
        {
            throw new HpoValidationException($"Field 'pageNumber' is {pageNumber}; it must be at least 1.");
        }

        if (pageSize is < 1 or > 1000)
        {
            throw new HpoValidationException($"Field 'pageSize' is {pageSize}; it must be in 1..1000.");
        }
    }

    private static void ValidateEpoch(TrialState t, int epoch)
    {
        int max = t.Experiment.Record.Spec.MaxEpochs;
        if (epoch < 1 || epoch > max)
        {
            throw new HpoValidationException($"Field 'epoch' is {epoch}; it must be in 1..{max} (the experiment's MaxEpochs).");
        }
    }

    private ExperimentState? FindExperiment(long id) => id >= 1 && id <= _experiments.Count ? _experiments[(int)id - 1] : null;

    private ExperimentState RequireExperiment(long id) => FindExperiment(id) ?? throw new NotFoundException($"Experiment {id} does not exist.");

    private TrialState RequireTrial(long id) => _trials.TryGetValue(id, out var t) ? t : throw new NotFoundException($"Trial {id} does not exist.");

    private TrialState RequireLease(TrialLease lease)
    {
        var t = RequireTrial(lease.TrialId);
        if (t.Status == TrialStatus.Running && t.LeaseToken == lease.Token)
        {
            return t;
        }

        if (t.IsTerminal && t.LastLeaseToken == lease.Token)
        {
            throw new TrialStateException($"Trial {t.Id} has already ended ({t.Status}); nothing was written.");
        }

        if (t.Status == TrialStatus.Paused && t.LastLeaseToken == lease.Token)
        {
            throw new TrialStateException($"Trial {t.Id} is Paused; its lease was released when it paused, and nothing was written.");
        }

        throw new StaleLeaseException($"The lease of attempt {lease.Attempt} on trial {t.Id} is no longer current (the trial is {t.Status}, attempt {t.Attempt}); nothing was written.");
    }

    private sealed class ExperimentState(ExperimentRecord record, SearchSpace space)
    {
        public ExperimentRecord Record { get; set; } = record;

        public SearchSpace Space { get; } = space;

        public int TrialCount { get; set; }

        public string? ModelSha256 { get; set; }

        public bool IsBetter(double a, double b) => Record.Spec.Direction == MetricDirection.Maximize ? a > b : a < b;
    }

    private sealed class TrialState(long id, ExperimentState experiment, int number, string parametersJson, DateTimeOffset createdAt)
    {
        public long Id { get; } = id;

        public ExperimentState Experiment { get; } = experiment;

        public int Number { get; } = number;

        public TrialStatus Status { get; set; } = TrialStatus.Pending;

        public int Attempt { get; set; }

        public Guid? LeaseToken { get; set; }

        public Guid? LastLeaseToken { get; set; }

        public string? WorkerId { get; set; }

        public DateTimeOffset? LastHeartbeat { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public string? StopReason { get; set; }

        public string? Error { get; set; }

        public string? RunnerJob { get; set; }

        public SortedDictionary<int, ObservationRecord> Curve { get; } = [];

        public SortedDictionary<int, DecisionRecord> Decisions { get; } = [];

        public TrialCheckpoint? Checkpoint { get; set; }

        public bool IsTerminal => Status is TrialStatus.Completed or TrialStatus.Stopped or TrialStatus.Failed;

        public int LastEpoch => Curve.Count == 0 ? 0 : Curve.Keys.Max();

        public double? BestValue => Curve.Count == 0 ? null : Curve.Values.Select(o => o.Value).Aggregate((a, b) => Experiment.IsBetter(b, a) ? b : a);

        public TrialRecord ToRecord() => new(
            Id,
            Experiment.Record.Id,
            Number,
            parametersJson,
            Status,
            Attempt,
            LeaseToken,
            WorkerId,
            LastHeartbeat,
            createdAt,
            StartedAt,
            FinishedAt,
            LastEpoch,
            BestValue,
            Curve.Count == 0 ? null : Curve[LastEpoch].Value,
            StopReason,
            Error);
    }
}
