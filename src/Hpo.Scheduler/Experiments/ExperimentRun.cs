using System.Collections.Concurrent;
using System.Globalization;
using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Tuning;
using Hpo.Scheduler.Workloads;
using Microsoft.Extensions.Logging;

namespace Hpo.Scheduler.Experiments;

/// <summary>The state of one <see cref="ExperimentRunner.RunAsync(ExperimentSpec, IWorkload, IStoppingPolicy, ITuner, ExperimentOptions?, IProgress{ExperimentProgress}?, CancellationToken)"/> call.</summary>
internal sealed partial class ExperimentRun
{
    private readonly IExperimentStore _store;
    private readonly IWorkload _workload;
    private readonly IStoppingPolicy _policy;
    private readonly ITuner _tuner;
    private readonly ExperimentOptions _options;
    private readonly IProgress<ExperimentProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ExperimentSpec _spec;
    private readonly MetricSettings _metric;
    private readonly ConcurrentDictionary<long, TrialLease> _leases = new();

    // Paused trials by id (a pausing policy's ISlotPolicy decides when they resume); filled by trial tasks, read by the slot loop.
    private readonly ConcurrentDictionary<long, TrialRecord> _paused = new();
    private readonly Lock _gate = new();
    private readonly long _started;
    private long _experimentId;
    private int _running;
    private int _completed;
    private int _stopped;
    private int _failed;
    private long _epochsUsed;
    private double? _best;
    private int? _bestTrial;
    private string? _savedModelPath;
    private int? _savedModelTrial;
    private double? _savedModelValue;

    public ExperimentRun(IExperimentStore store, IWorkload workload, IStoppingPolicy policy, ITuner tuner, ExperimentOptions options, IProgress<ExperimentProgress>? progress, TimeProvider time, ILogger logger, ExperimentSpec spec, MetricSettings metric)
    {
        _store = store;
        _workload = workload;
        _policy = policy;
        _tuner = tuner;
        _options = options;
        _progress = progress;
        _time = time;
        _logger = logger;
        _spec = spec;
        _metric = metric;
        _started = time.GetTimestamp();
    }

    private TimeSpan Elapsed => _time.GetElapsedTime(_started);

    public async Task<ExperimentSummary> RunAsync(CancellationToken cancellationToken)
    {
        TrialCheckpoints.RequireResumable(_workload, _policy);
        var slots = _policy as ISlotPolicy;
        var experiment = await OpenExperimentAsync(cancellationToken).ConfigureAwait(false);
        _experimentId = experiment.Id;
        if (experiment.Status == ExperimentStatus.Completed)
        {
            return await ExperimentSummary.FromStoreAsync(_store, _experimentId, Elapsed, cancellationToken).ConfigureAwait(false);
        }

        await _store.SetExperimentStatusAsync(_experimentId, ExperimentStatus.Running, cancellationToken).ConfigureAwait(false);
        var trials = await ExperimentRunner.ListAllTrialsAsync(_store, _experimentId, cancellationToken).ConfigureAwait(false);
        var curves = await _store.GetCurvesAsync(trials.Select(t => t.Id).ToArray(), cancellationToken).ConfigureAwait(false);
        using var coordinator = new StoppingCoordinator(_policy, _metric);
        using var modelGate = new SemaphoreSlim(1, 1);
        foreach (var t in trials)
        {
            var values = curves[t.Id].Select(o => o.Value).ToArray();
            coordinator.Load(t.Id, t.Number, values);
            _epochsUsed += values.Length;
            foreach (var v in values)
            {
                NoteValue(v, t.Number);
            }

            switch (t.Status)
            {
                case TrialStatus.Completed:
                    _completed++;
                    _tuner.Update(ToResult(t, values, stopped: false, null));
                    break;
                case TrialStatus.Stopped:
                    _stopped++;
                    _tuner.Update(ToResult(t, values, stopped: true, null));
                    break;
                case TrialStatus.Failed:
                    _failed++;
                    break;
                case TrialStatus.Paused:
                    _paused[t.Id] = t;
                    break;
            }
        }

        var resumable = new Queue<TrialRecord>(trials.Where(t => !t.IsTerminal && t.Status != TrialStatus.Paused).OrderBy(t => t.Number));
        int created = trials.Count;
        long capacity = _tuner is IFiniteTuner finite ? finite.Capacity : long.MaxValue;
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatLoopAsync(runCts.Token);
        var active = new List<Task>();
        try
        {
            while (true)
            {
                while (active.Count < _options.Concurrency)
                {
                    bool canStartNew = created < _options.MaxTrials && created < capacity && BudgetLeft() is null;
                    if (resumable.TryDequeue(out var pending))
                    {
                        active.Add(RunTrialAsync(pending, coordinator, modelGate, runCts.Token));
                    }
                    else if (slots is not null && !_paused.IsEmpty
                        && await ChooseSlotAsync(slots, coordinator, canStartNew, runCts.Token).ConfigureAwait(false) is var choice
                        && choice.Action != SlotAction.StartNew)
                    {
                        if (choice.Action == SlotAction.Idle || !_paused.TryRemove(choice.ResumeTrialId!.Value, out var paused))
                        {
                            break;
                        }

                        active.Add(RunTrialAsync(paused, coordinator, modelGate, runCts.Token));
                    }
                    else if (canStartNew)
                    {
                        var settings = new TrialSettings { TrialId = created + 1, StartedAtUtc = _time.GetUtcNow().UtcDateTime };
                        var parameters = _tuner.Propose(settings);
                        var trial = await _store.CreateTrialAsync(_experimentId, parameters.ToJson(), runCts.Token).ConfigureAwait(false);
                        created++;
                        active.Add(RunTrialAsync(trial, coordinator, modelGate, runCts.Token));
                    }
                    else
                    {
                        break;
                    }
                }

                if (active.Count == 0)
                {
                    // Nothing runs and the slot policy resumes nothing more: the trials it left paused end here.
                    await StopPausedForGoodAsync(_paused.Keys.ToArray(), "the experiment ended while it was paused (no slot resumed it)", runCts.Token).ConfigureAwait(false);
                    break;
                }

                var done = await Task.WhenAny(active).ConfigureAwait(false);
                active.Remove(done);
                await done.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            await runCts.CancelAsync().ConfigureAwait(false);
            await DrainAsync(active).ConfigureAwait(false);
            bool cancelled = ex is OperationCanceledException && cancellationToken.IsCancellationRequested;
            await _store.SetExperimentStatusAsync(_experimentId, cancelled ? ExperimentStatus.Cancelled : ExperimentStatus.Failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await runCts.CancelAsync().ConfigureAwait(false);
            await DrainAsync([heartbeats]).ConfigureAwait(false);
        }

        await _store.SetExperimentStatusAsync(_experimentId, ExperimentStatus.Completed, cancellationToken).ConfigureAwait(false);
        Report(null, null);
        var summary = await ExperimentSummary.FromStoreAsync(_store, _experimentId, Elapsed, cancellationToken).ConfigureAwait(false);
        return _savedModelPath is not null && _savedModelValue == summary.BestValue
            ? summary with { BestModelPath = _savedModelPath, BestModelTrialNumber = _savedModelTrial }
            : summary;
    }

    private static async Task DrainAsync(IEnumerable<Task> tasks)
    {
        foreach (var task in tasks)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected: the run is being torn down.
            }
            catch (StaleLeaseException)
            {
                // Another worker took the trial over; it is theirs now.
            }
        }
    }

    private async Task<ExperimentRecord> OpenExperimentAsync(CancellationToken cancellationToken)
    {
        var existing = await _store.FindExperimentAsync(_spec.Name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return await _store.CreateExperimentAsync(_spec, cancellationToken).ConfigureAwait(false);
        }

        if (existing.Spec.FirstDifference(_spec) is { } field)
        {
            throw new HpoValidationException($"Field '{field}' differs from that of the existing experiment '{_spec.Name}'; resume with the same spec or choose another name.");
        }

        return existing;
    }

    private async Task RunTrialAsync(TrialRecord trial, StoppingCoordinator coordinator, SemaphoreSlim modelGate, CancellationToken cancellationToken)
    {
        // Yield so that the loop can start the other trials before this one runs synchronously.
        await Task.Yield();
        var lease = await ClaimAsync(trial, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        _leases[trial.Id] = lease;
        Interlocked.Increment(ref _running);
        Report(null, trial.Number);
        try
        {
            await TrainAsync(trial, lease, coordinator, modelGate, cancellationToken).ConfigureAwait(false);
        }
        catch (StaleLeaseException ex)
        {
            LogLostLease(_logger, trial.Number, ex.Message);
        }
        finally
        {
            _leases.TryRemove(trial.Id, out _);
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task TrainAsync(TrialRecord trial, TrialLease lease, StoppingCoordinator coordinator, SemaphoreSlim modelGate, CancellationToken cancellationToken)
    {
        var parameters = TrialParameters.FromJson(trial.ParametersJson);
        var startedAt = _time.GetTimestamp();
        var curve = new List<double>();
        int resume = lease.ResumeFromEpoch;
        if (resume > 0)
        {
            var stored = await _store.GetCurvesAsync([trial.Id], cancellationToken).ConfigureAwait(false);
            curve.AddRange(stored[trial.Id].Select(o => o.Value));
            resume = curve.Count;

            // A crash between recording an epoch and recording its decision leaves the decision to be taken again.
            var decisions = await _store.GetDecisionsAsync(trial.Id, cancellationToken).ConfigureAwait(false);
            var last = decisions.FirstOrDefault(d => d.Epoch == resume)
                ?? await DecideAsync(trial, lease, coordinator, resume, curve[^1], cancellationToken).ConfigureAwait(false);
            if (last.Action == DecisionAction.Stop)
            {
                await FinishAsync(trial, lease, TrialStatus.Stopped, last.Reason, curve, last, startedAt, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        if (resume >= _spec.MaxEpochs)
        {
            await FinishAsync(trial, lease, TrialStatus.Completed, null, curve, null, startedAt, cancellationToken).ConfigureAwait(false);
            return;
        }

        IWorkloadRun run;
        try
        {
            run = await TrialCheckpoints.StartOrResumeAsync(_store, _workload, trial.Id, parameters, SeedMixer.Mix(_options.Seed, trial.Number), resume, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FailAsync(trial, lease, $"StartAsync: {ex.GetType().Name}: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        DecisionRecord? decision = null;
        var steps = new TrialEpochSteps(
            ReserveEpoch,
            async (epoch, value, ct) =>
            {
                await _store.RecordObservationAsync(lease, epoch, value, ct).ConfigureAwait(false);
                curve.Add(value);
                if (NoteValue(value, trial.Number) && _options.BestModelPath is { } modelPath && run is ITrainedModelRun trained)
                {
                    await SaveBestModelAsync(modelGate, trained, trial.Number, value, modelPath, ct).ConfigureAwait(false);
                }

                return value;
            },
            async (epoch, value, ct) =>
            {
                decision = await DecideAsync(trial, lease, coordinator, epoch, value, ct).ConfigureAwait(false);
                return decision.Action;
            },
            WorkloadFailuresEndTheTrial: true);
        await using (run.ConfigureAwait(false))
        {
            var outcome = await TrialEpochLoop.RunAsync(run, resume + 1, _spec.MaxEpochs, steps, cancellationToken).ConfigureAwait(false);
            switch (outcome.End)
            {
                case TrialEpochEnd.Failed:
                    await FailAsync(trial, lease, outcome.Detail!, cancellationToken).ConfigureAwait(false);
                    return;
                case TrialEpochEnd.StoppedByBudget:
                    await FinishAsync(trial, lease, TrialStatus.Stopped, outcome.Detail, curve, null, startedAt, cancellationToken).ConfigureAwait(false);
                    return;
                case TrialEpochEnd.StoppedByPolicy:
                    await FinishAsync(trial, lease, TrialStatus.Stopped, decision!.Reason, curve, decision, startedAt, cancellationToken).ConfigureAwait(false);
                    return;
                case TrialEpochEnd.PausedByPolicy:
                    await TrialCheckpoints.PauseAsync(_store, lease, run, decision!.Epoch, decision.Reason, cancellationToken).ConfigureAwait(false);
                    _paused[trial.Id] = trial;
                    Report(null, trial.Number);
                    return;
            }
        }

        await FinishAsync(trial, lease, TrialStatus.Completed, null, curve, null, startedAt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the slot policy what a free slot does, and ends the paused trials it gives up on. A choice naming a trial
    /// that is not paused here (a stale choice) leaves the slot idle.
    /// </summary>
    private async Task<SlotChoice> ChooseSlotAsync(ISlotPolicy slots, StoppingCoordinator coordinator, bool canStartNew, CancellationToken cancellationToken)
    {
        var context = coordinator.Snapshot();
        var paused = context.Curves.Where(c => _paused.ContainsKey(c.TrialId)).OrderBy(c => c.Number).ToArray();
        var choice = slots.ChooseSlot(context, paused, canStartNew, cancellationToken);
        await StopPausedForGoodAsync(choice.StopForGood, choice.Reason, cancellationToken).ConfigureAwait(false);
        return choice.Action == SlotAction.StartNew && !canStartNew ? SlotChoice.Idle(choice.Reason) : choice;
    }

    private async Task StopPausedForGoodAsync(IReadOnlyList<long> trialIds, string reason, CancellationToken cancellationToken)
    {
        foreach (long id in trialIds)
        {
            if (!_paused.TryRemove(id, out var trial))
            {
                continue;
            }

            await _store.StopPausedTrialAsync(id, reason, cancellationToken).ConfigureAwait(false);
            var curve = await _store.GetCurvesAsync([id], cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _stopped);
            _tuner.Update(ToResult(trial, curve[id].Select(o => o.Value).ToArray(), stopped: true, null));
            Report(null, trial.Number);
        }
    }

    private async Task<DecisionRecord> DecideAsync(TrialRecord trial, TrialLease lease, StoppingCoordinator coordinator, int epoch, double value, CancellationToken cancellationToken)
    {
        var decision = await coordinator.DecideAsync(trial.Id, trial.Number, epoch, value, cancellationToken).ConfigureAwait(false);
        var record = decision.ToRecord(trial.Id, epoch, _policy.Name, _time.GetUtcNow());
        await _store.RecordDecisionAsync(lease, record, cancellationToken).ConfigureAwait(false);
        Report(record, trial.Number);
        return record;
    }

    private async Task FinishAsync(TrialRecord trial, TrialLease lease, TrialStatus status, string? detail, List<double> curve, DecisionRecord? decision, long startedAt, CancellationToken cancellationToken)
    {
        await _store.FinishTrialAsync(lease, status, detail, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref status == TrialStatus.Completed ? ref _completed : ref _stopped);
        var result = ToResult(trial, curve, status == TrialStatus.Stopped, decision);
        result.DurationInMilliseconds = _time.GetElapsedTime(startedAt).TotalMilliseconds;
        _tuner.Update(result);
        Report(null, trial.Number);
    }

    private async Task FailAsync(TrialRecord trial, TrialLease lease, string error, CancellationToken cancellationToken)
    {
        LogTrialFailed(_logger, trial.Number, error);
        await _store.FinishTrialAsync(lease, TrialStatus.Failed, error, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _failed);
        Report(null, trial.Number);
    }

    private async Task<TrialLease?> ClaimAsync(TrialRecord trial, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await _store.ClaimTrialAsync(trial.Id, _options.WorkerId, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            }
            catch (TrialStateException)
            {
                // Terminal (someone finished it) or held by a live lease (a crashed run's): wait for that lease to lapse.
                var current = await _store.GetTrialAsync(trial.Id, cancellationToken).ConfigureAwait(false);
                if (current is null || current.IsTerminal)
                {
                    return null;
                }

                var lapse = (current.LastHeartbeat ?? _time.GetUtcNow()) + _options.LeaseDuration - _time.GetUtcNow();
                await Task.Delay(lapse > TimeSpan.Zero ? lapse + TimeSpan.FromMilliseconds(1) : TimeSpan.FromMilliseconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.LeaseDuration / 3, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var lease in _leases.Values)
            {
                try
                {
                    await _store.HeartbeatAsync(lease, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is StaleLeaseException or TrialStateException)
                {
                    // The trial ended or moved on between the snapshot and the heartbeat.
                    _leases.TryRemove(lease.TrialId, out _);
                }
            }
        }
    }

    private string? BudgetLeft()
    {
        if (_options.MaxTotalEpochs is { } max && Interlocked.Read(ref _epochsUsed) >= max)
        {
            return $"the epoch budget of {max} is spent";
        }

        if (_options.MaxWallTime is { } wall && Elapsed >= wall)
        {
            return $"the wall-time budget of {wall.ToString("c", CultureInfo.InvariantCulture)} is spent";
        }

        return null;
    }

    private string? ReserveEpoch()
    {
        lock (_gate)
        {
            if (BudgetLeft() is { } spent)
            {
                return spent;
            }

            _epochsUsed++;
            return null;
        }
    }

    private bool NoteValue(double value, int trialNumber)
    {
        lock (_gate)
        {
            if (_best is null || _metric.IsBetter(value, _best.Value))
            {
                _best = value;
                _bestTrial = trialNumber;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// Writes the model that just set the best value, before its trial trains on (and long before its run is
    /// disposed). Saves are serialised; one overtaken by a better value while waiting is skipped. The file is
    /// written beside the target and moved over it, so a crash never leaves a half-written best model.
    /// </summary>
    private async Task SaveBestModelAsync(SemaphoreSlim gate, ITrainedModelRun run, int trialNumber, double value, string basePath, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_bestTrial != trialNumber || _best != value)
                {
                    return;
                }
            }

            string path = Path.GetFullPath(basePath + run.ModelFileExtension);
            string temporary = path + ".saving";
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await run.SaveModelAsync(temporary, cancellationToken).ConfigureAwait(false);
                File.Move(temporary, path, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The experiment is worth more than its model file: go on, say so, and report no saved model.
                LogModelNotSaved(_logger, trialNumber, path, ex.Message);
                _savedModelPath = null;
                return;
            }

            _savedModelPath = path;
            _savedModelTrial = trialNumber;
            _savedModelValue = value;
        }
        finally
        {
            gate.Release();
        }
    }

    private void Report(DecisionRecord? decision, int? trialNumber)
    {
        if (_progress is null)
        {
            return;
        }

        ExperimentProgress snapshot;
        lock (_gate)
        {
            snapshot = new ExperimentProgress(
                _experimentId,
                Volatile.Read(ref _running),
                Volatile.Read(ref _completed),
                Volatile.Read(ref _stopped),
                Volatile.Read(ref _failed),
                _epochsUsed,
                _best,
                _bestTrial,
                Elapsed,
                decision,
                trialNumber);
        }

        _progress.Report(snapshot);
    }

    private TrialResult ToResult(TrialRecord trial, IReadOnlyList<double> curve, bool stopped, DecisionRecord? decision)
    {
        double metric = curve.Count == 0 ? double.NaN : _metric.Best(curve);
        return new TrialResult
        {
            TrialSettings = new TrialSettings
            {
                TrialId = trial.Number,
                Parameter = TrialParameters.FromJson(trial.ParametersJson),
                StartedAtUtc = (trial.StartedAt ?? trial.CreatedAt).UtcDateTime,
                EndedAtUtc = _time.GetUtcNow().UtcDateTime,
            },
            Metric = metric,
            Loss = _metric.Direction == MetricDirection.Maximize ? -metric : metric,
            Curve = curve.ToArray(),
            StoppedEarly = stopped,
            StopDecision = decision,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialNumber} failed: {Error}")]
    private static partial void LogTrialFailed(ILogger logger, int trialNumber, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The best model (trial {TrialNumber}) could not be saved to {Path}: {Error}")]
    private static partial void LogModelNotSaved(ILogger logger, int trialNumber, string path, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialNumber} was taken over by another worker: {Detail}")]
    private static partial void LogLostLease(ILogger logger, int trialNumber, string detail);
}
