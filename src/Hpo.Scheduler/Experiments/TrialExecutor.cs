using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Tuning;
using Hpo.Scheduler.Workloads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hpo.Scheduler.Experiments;

/// <summary>
/// Runs one trial against the store, the way a distributed worker does: claim the trial (waiting for a
/// dead holder's lease to lapse), resume after its last recorded epoch, and per epoch decide with the experiment's
/// stopping policy (over every trial's curve as stored and this trial's new value), then record the value and the
/// decision in one write, which also ends the trial when the decision stops it or the epoch is its last; a timer
/// renews the lease. Every write carries the lease, so an execution that
/// lost its trial to another worker writes nothing more; store writes are idempotent, so a re-run after a
/// crash neither loses nor duplicates epochs.
/// </summary>
/// <remarks>
/// The executor keeps each experiment's curves in memory and reads only the observations committed since its last
/// read before each decision, so a decision costs the same at any experiment size; this executor's trials of one
/// experiment that report at the same moment share one read and one policy call. LC-PFN decisions carry the model's
/// SHA-256, and an experiment is bound to the first model that decides it: an executor with another model refuses
/// its trials (<see cref="TrialOutcome.ModelMismatch"/>) without claiming them.
/// </remarks>
public sealed partial class TrialExecutor
{
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(50);

    private readonly IExperimentStore _store;
    private readonly StoppingPolicyFactory _policies;
    private readonly IWorkloadProvider _workloads;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ModelFingerprint? _model;
    private readonly ConcurrentDictionary<long, Lazy<ExperimentDecider>> _deciders = new();
    private readonly ConcurrentDictionary<long, ExperimentRecord> _experiments = new();

    /// <summary>Creates an executor.</summary>
    /// <param name="store">The system of record.</param>
    /// <param name="policies">Builds each experiment's stopping policy.</param>
    /// <param name="workloads">Supplies each experiment's workload.</param>
    /// <param name="timeProvider">The clock for leases, heartbeats and budgets (system clock by default).</param>
    /// <param name="logger">Where takeovers, failures and outages are logged.</param>
    /// <param name="model">The LC-PFN model file behind <paramref name="policies"/>' predictor, recorded with every LC-PFN decision; null without one.</param>
    public TrialExecutor(IExperimentStore store, StoppingPolicyFactory policies, IWorkloadProvider workloads, TimeProvider? timeProvider = null, ILogger<TrialExecutor>? logger = null, ModelFingerprint? model = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(workloads);
        _store = store;
        _policies = policies;
        _workloads = workloads;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _model = model;
    }

    /// <summary>How many store reads and policy calls this executor made to decide (each serves one batch of reports).</summary>
    public long DecisionBatches => _deciders.Values.Where(d => d.IsValueCreated).Sum(d => d.Value.Batches);

    /// <summary>
    /// Executes trial <paramref name="trialId"/> until it ends, is taken over, or this attempt's workload fails.
    /// Database errors are ridden out for <see cref="TrialExecutionOptions.MaxOutage"/> by resuming from the
    /// store under the same lease.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled (e.g. worker shutdown); the trial stays Running and resumable once its lease lapses.</exception>
    /// <exception cref="DbException">The database stayed unreachable for longer than the outage allowance.</exception>
    public Task<TrialExecution> ExecuteAsync(long trialId, TrialExecutionOptions options, CancellationToken cancellationToken = default) =>
        ExecuteAsync(trialId, known: null, options, cancellationToken);

    /// <summary>
    /// Executes <paramref name="trial"/> as <see cref="ExecuteAsync(long, TrialExecutionOptions, CancellationToken)"/> does,
    /// starting from the record the caller holds (e.g. the one its creation returned) instead of reading it: the claim
    /// checks the trial's state in the store anyway, and a fleet slot that runs the trial it just created saves a read per trial.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled (e.g. worker shutdown); the trial stays Running and resumable once its lease lapses.</exception>
    /// <exception cref="DbException">The database stayed unreachable for longer than the outage allowance.</exception>
    public Task<TrialExecution> ExecuteAsync(TrialRecord trial, TrialExecutionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return ExecuteAsync(trial.Id, trial, options, cancellationToken);
    }

    /// <summary>
    /// Executes a trial the caller created already claimed (<see cref="IExperimentStore.TryCreateClaimedTrialAsync"/>) under
    /// that lease, as <see cref="ExecuteAsync(long, TrialExecutionOptions, CancellationToken)"/> does after its claim.
    /// </summary>
    /// <remarks>
    /// The model check that precedes a claim runs too: a slot creates claimed trials only for an experiment whose trial it
    /// just ran, so the check has passed; should it refuse all the same, the trial is left to lapse to another worker.
    /// </remarks>
    /// <exception cref="OperationCanceledException">Cancelled (e.g. worker shutdown); the trial stays Running and resumable once its lease lapses.</exception>
    /// <exception cref="DbException">The database stayed unreachable for longer than the outage allowance.</exception>
    public Task<TrialExecution> ExecuteAsync(ClaimedTrial claimed, TrialExecutionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        if (claimed.Lease.TrialId != claimed.Trial.Id || claimed.Lease.WorkerId != options?.WorkerId)
        {
            throw new ArgumentException($"The lease is on trial {claimed.Lease.TrialId} for worker '{claimed.Lease.WorkerId}', not on trial {claimed.Trial.Id} for this execution's worker '{options?.WorkerId}'.", nameof(claimed));
        }

        return ExecuteAsync(claimed.Trial.Id, claimed.Trial, options!, cancellationToken, claimed.Lease);
    }

    private async Task<TrialExecution> ExecuteAsync(long trialId, TrialRecord? known, TrialExecutionOptions options, CancellationToken cancellationToken, TrialLease? claimed = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TrialLease? lease = null;
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopHeartbeat = new CancellationTokenSource();
        Task heartbeat = Task.CompletedTask;
        var progress = new Progress();
        long? outageStart = null;
        (bool Claimed, int Epochs) outageAt = default;
        try
        {
            while (true)
            {
                try
                {
                    // The caller's record serves the first pass only: after an outage the trial is read again.
                    var trial = known ?? await _store.GetTrialAsync(trialId, cancellationToken).ConfigureAwait(false);
                    known = null;
                    if (trial is null)
                    {
                        return new TrialExecution(trialId, null, TrialOutcome.NotFound, 0, 0, $"Trial {trialId} does not exist.");
                    }

                    if (lease is null)
                    {
                        if (trial.IsTerminal)
                        {
                            return Ended(trial, TrialOutcome.AlreadyFinished, 0, $"The trial had already ended as {trial.Status}.");
                        }

                        if (await CheckModelAsync(trial, cancellationToken).ConfigureAwait(false) is { } refusal)
                        {
                            LogModelMismatch(_logger, trialId, refusal);
                            return Ended(trial, TrialOutcome.ModelMismatch, 0, refusal);
                        }

                        var claim = claimed is not null ? new ClaimResult(claimed, trial, TrialOutcome.Completed, null)
                            : await ClaimAsync(trial, options, cancellationToken).ConfigureAwait(false);
                        if (claim.Lease is null)
                        {
                            return Ended(claim.Trial, claim.Outcome, 0, claim.Detail);
                        }

                        lease = claim.Lease;
                        trial = claim.Trial;
                        var held = lease;
                        heartbeat = HeartbeatLoopAsync(held, options.HeartbeatInterval, leaseLost, stopHeartbeat.Token);
                    }

                    var experiment = await GetExperimentAsync(trial.ExperimentId, leaseLost.Token).ConfigureAwait(false)
                        ?? throw new NotFoundException($"Experiment {trial.ExperimentId} of trial {trialId} does not exist.");
                    return await RunClaimedAsync(experiment, trial, lease, options, progress, leaseLost.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsInfrastructure(ex) && !leaseLost.IsCancellationRequested)
                {
                    // A trial that got on (claimed, or recorded an epoch) since the last failure saw the database
                    // come back: this is a new outage, with an allowance of its own, not the tail of an old one.
                    var position = (lease is not null, progress.Epochs);
                    if (outageStart is null || position != outageAt)
                    {
                        outageStart = _time.GetTimestamp();
                        outageAt = position;
                    }

                    var down = _time.GetElapsedTime(outageStart.Value);
                    if (down > options.MaxOutage)
                    {
                        throw;
                    }

                    LogOutage(_logger, trialId, down.TotalSeconds, ex.Message);
                    var wait = TimeSpan.FromMilliseconds(Math.Min(5000, 250 * Math.Pow(2, Math.Min(5, down.TotalSeconds))));
                    await Task.Delay(wait, _time, leaseLost.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (lease is not null && (ex is StaleLeaseException or TrialStateException || (ex is OperationCanceledException && leaseLost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)))
        {
            LogLeaseLost(_logger, trialId, lease.Attempt, ex.Message);
            return new TrialExecution(trialId, null, TrialOutcome.LeaseLost, lease.Attempt, progress.Epochs, ex.Message);
        }
        finally
        {
            await stopHeartbeat.CancelAsync().ConfigureAwait(false);
            try
            {
                await heartbeat.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The loop ends by cancellation.
            }
        }
    }

    /// <summary>Whether <paramref name="exception"/> is the database or network failing (retry) rather than the trial.</summary>
    public static bool IsInfrastructure(Exception exception) => exception switch
    {
        DbException or TimeoutException or SocketException or IOException => true,
        AggregateException { InnerException: { } inner } => IsInfrastructure(inner),
        _ => exception.InnerException is { } cause && cause is DbException or SocketException,
    };

    private static TrialExecution Ended(TrialRecord trial, TrialOutcome outcome, int epochs, string? detail) =>
        new(trial.Id, trial.ExperimentId, outcome, trial.Attempt, epochs, detail);

    private async Task<TrialExecution> RunClaimedAsync(ExperimentRecord experiment, TrialRecord trial, TrialLease lease, TrialExecutionOptions options, Progress progress, CancellationToken cancellationToken)
    {
        var spec = experiment.Spec;
        var settings = ExperimentOptions.FromSettingsJson(spec.SettingsJson);
        ExperimentDecider decider;
        try
        {
            decider = Decider(experiment);
        }
        catch (HpoValidationException ex)
        {
            // E.g. lcpfn on a worker without a model: this worker cannot run the trial as specified.
            return await WorkloadFailedAsync(trial, lease, options, $"policy: {ex.Message}", new Progress(), cancellationToken).ConfigureAwait(false);
        }

        var metric = MetricSettings.From(spec);
        // A trial with no epoch recorded (most claims: a new trial) has no curve to read.
        var curve = trial.LastEpoch == 0 ? [] : Prefix((await _store.GetCurvesAsync([trial.Id], cancellationToken).ConfigureAwait(false))[trial.Id]);
        long totalEpochs = 0;
        int done = curve.Count;
        if (done > 0)
        {
            // A crash between recording an epoch and recording its decision leaves the decision to be taken again.
            var decisions = await _store.GetDecisionsAsync(trial.Id, cancellationToken).ConfigureAwait(false);
            var last = decisions.FirstOrDefault(d => d.Epoch == done);
            if (last is null)
            {
                (last, totalEpochs) = await DecideAsync(decider, trial, lease, curve, cancellationToken).ConfigureAwait(false);
            }

            if (last.Action == DecisionAction.Stop)
            {
                return await FinishAsync(trial, lease, TrialStatus.Stopped, last.Reason, progress, cancellationToken).ConfigureAwait(false);
            }
        }

        if (done >= spec.MaxEpochs)
        {
            return await FinishAsync(trial, lease, TrialStatus.Completed, null, progress, cancellationToken).ConfigureAwait(false);
        }

        IWorkloadRun run;
        try
        {
            var workload = _workloads.GetWorkload(experiment);
            if (workload.HigherIsBetter != (metric.Direction == MetricDirection.Maximize))
            {
                throw new HpoValidationException($"Field 'Direction' is {metric.Direction}, but workload '{workload.Name}' reports {workload.MetricName} where {(workload.HigherIsBetter ? "higher" : "lower")} is better.");
            }

            run = await TrialCheckpoints.StartOrResumeAsync(_store, workload, trial.Id, TrialParameters.FromJson(trial.ParametersJson), SeedMixer.Mix(settings.Seed, trial.Number), done, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await WorkloadFailedAsync(trial, lease, options, $"start: {ex.GetType().Name}: {ex.Message}", progress, cancellationToken).ConfigureAwait(false);
        }

        DecisionRecord? decision = null;
        bool ended = false;
        var reportedAt = DateTimeOffset.MinValue;
        var steps = new TrialEpochSteps(
            () => BudgetSpent(experiment, settings, totalEpochs),
            (epoch, value, ct) =>
            {
                // Written with its decision, in one write (below): other workers see the value once it is decided.
                reportedAt = _time.GetUtcNow();
                curve.Add(value);
                return Task.FromResult(value);
            },
            async (epoch, value, ct) =>
            {
                // No heartbeat per epoch: the heartbeat loop renews the lease every HeartbeatInterval (a third of the lease
                // at most), which short epochs do not need more often, and a stale lease is refused by the epoch's write.
                (decision, totalEpochs, ended) = await DecideEpochAsync(decider, trial, lease, curve, reportedAt, spec.MaxEpochs, ct).ConfigureAwait(false);
                progress.Epochs++;
                FleetMetrics.EpochsReported.Add(1);
                return decision.Action;
            },
            WorkloadFailuresEndTheTrial: true);
        await using (run.ConfigureAwait(false))
        {
            var outcome = await TrialEpochLoop.RunAsync(run, done + 1, spec.MaxEpochs, steps, cancellationToken).ConfigureAwait(false);
            switch (outcome.End)
            {
                case TrialEpochEnd.Failed:
                    return await WorkloadFailedAsync(trial, lease, options, outcome.Detail!, progress, cancellationToken).ConfigureAwait(false);
                case TrialEpochEnd.StoppedByBudget:
                    return await FinishAsync(trial, lease, TrialStatus.Stopped, outcome.Detail, progress, cancellationToken).ConfigureAwait(false);
                case TrialEpochEnd.StoppedByPolicy:
                    return await FinishAsync(trial, lease, TrialStatus.Stopped, decision!.Reason, progress, cancellationToken, written: ended).ConfigureAwait(false);
                case TrialEpochEnd.PausedByPolicy:
                    await TrialCheckpoints.PauseAsync(_store, lease, run, decision!.Epoch, decision.Reason, cancellationToken).ConfigureAwait(false);
                    return new TrialExecution(trial.Id, trial.ExperimentId, TrialOutcome.Paused, lease.Attempt, progress.Epochs, decision.Reason);
            }
        }

        return await FinishAsync(trial, lease, TrialStatus.Completed, null, progress, cancellationToken, written: ended).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides a new epoch and writes its value and decision together, ending the trial in the same write when the
    /// decision stops it or it was the last epoch (<see cref="IExperimentStore.TryRecordEpochAsync"/>): one statement per
    /// epoch on PostgreSQL where there were three per trial's last epoch. Anything but that plain case (a retry after a
    /// lost acknowledgement, a stored value that differs, a lost lease) goes through the one-by-one writes, which tell
    /// which; <c>Ended</c> says whether the trial's end was written.
    /// </summary>
    private async Task<(DecisionRecord Decision, long TotalEpochs, bool Ended)> DecideEpochAsync(ExperimentDecider decider, TrialRecord trial, TrialLease lease, List<double> curve, DateTimeOffset reportedAt, int maxEpochs, CancellationToken cancellationToken)
    {
        int epoch = curve.Count;
        var (record, totalEpochs) = await TakeDecisionAsync(decider, trial, curve, cancellationToken).ConfigureAwait(false);
        TrialStatus? finishAs = record.Action switch
        {
            DecisionAction.Stop => TrialStatus.Stopped,
            DecisionAction.Continue when epoch == maxEpochs => TrialStatus.Completed,
            _ => null,
        };
        if (await _store.TryRecordEpochAsync(lease, epoch, curve[^1], reportedAt, record, finishAs, cancellationToken).ConfigureAwait(false))
        {
            return (record, totalEpochs, finishAs is not null);
        }

        try
        {
            await _store.RecordObservationAsync(lease, epoch, curve[^1], cancellationToken).ConfigureAwait(false);
        }
        catch (ObservationConflictException ex)
        {
            // An earlier attempt recorded this epoch with another value (a non-deterministic workload); the first value is
            // the record, and the decision is taken again with it.
            LogConflict(_logger, trial.Id, epoch, ex.Message);
            var again = await _store.GetCurvesAsync([trial.Id], cancellationToken).ConfigureAwait(false);
            curve[^1] = again[trial.Id].First(o => o.Epoch == epoch).Value;
            (record, totalEpochs) = await TakeDecisionAsync(decider, trial, curve, cancellationToken).ConfigureAwait(false);
        }

        return (await RecordDecisionAsync(trial, lease, record, cancellationToken).ConfigureAwait(false), totalEpochs, false);
    }

    /// <summary>Decides the trial's last recorded epoch again and records the decision (resuming after a crash between the two).</summary>
    private async Task<(DecisionRecord Decision, long TotalEpochs)> DecideAsync(ExperimentDecider decider, TrialRecord trial, TrialLease lease, List<double> curve, CancellationToken cancellationToken)
    {
        var (record, totalEpochs) = await TakeDecisionAsync(decider, trial, curve, cancellationToken).ConfigureAwait(false);
        return (await RecordDecisionAsync(trial, lease, record, cancellationToken).ConfigureAwait(false), totalEpochs);
    }

    /// <summary>Asks the experiment's policy about the trial's curve (its last value is the epoch decided); writes nothing.</summary>
    private async Task<(DecisionRecord Decision, long TotalEpochs)> TakeDecisionAsync(ExperimentDecider decider, TrialRecord trial, List<double> curve, CancellationToken cancellationToken)
    {
        var report = new TrialCurve(trial.Id, trial.Number, curve.ToArray());
        int epoch = curve.Count;
        long started = _time.GetTimestamp();
        var (decision, totalEpochs) = await decider.DecideAsync(_store, report, cancellationToken).ConfigureAwait(false);
        FleetMetrics.DecisionDuration.Record(_time.GetElapsedTime(started).TotalMilliseconds);
        FleetMetrics.Decisions.Add(1, new KeyValuePair<string, object?>("action", decision.Action.ToString()), new KeyValuePair<string, object?>("policy", decider.Policy.Name));
        if (decision.Action == DecisionAction.Stop)
        {
            FleetMetrics.EpochsSaved.Add(decider.Metric.MaxEpochs - epoch);
        }

        var record = decision.ToRecord(trial.Id, epoch, decider.Policy.Name, _time.GetUtcNow());
        if (decider.Policy is IPredictorPolicy)
        {
            record = record with { ModelSha256 = _model?.Sha256 };
        }

        return (record, totalEpochs);
    }

    private async Task<DecisionRecord> RecordDecisionAsync(TrialRecord trial, TrialLease lease, DecisionRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await _store.RecordDecisionAsync(lease, record, cancellationToken).ConfigureAwait(false);
            return record;
        }
        catch (ObservationConflictException)
        {
            // An earlier attempt decided this epoch (before a crash) with the experiment as it was then; that decision stands.
            var decisions = await _store.GetDecisionsAsync(trial.Id, cancellationToken).ConfigureAwait(false);
            return decisions.First(d => d.Epoch == record.Epoch);
        }
    }

    /// <summary>
    /// The experiment as a trial's run needs it: its spec and creation time, which never change, so it is read once per
    /// experiment and process (its status is not used here).
    /// </summary>
    private async Task<ExperimentRecord?> GetExperimentAsync(long experimentId, CancellationToken cancellationToken)
    {
        if (_experiments.TryGetValue(experimentId, out var known))
        {
            return known;
        }

        var experiment = await _store.GetExperimentAsync(experimentId, cancellationToken).ConfigureAwait(false);
        if (experiment is not null)
        {
            _experiments.TryAdd(experimentId, experiment);
        }

        return experiment;
    }

    /// <summary>The experiment's decider, created once per experiment and process.</summary>
    /// <exception cref="HpoValidationException">The experiment's policy cannot be built here (e.g. lcpfn without a model).</exception>
    private ExperimentDecider Decider(ExperimentRecord experiment)
    {
        var lazy = _deciders.GetOrAdd(experiment.Id, _ => new Lazy<ExperimentDecider>(() => new ExperimentDecider(
            experiment.Id,
            MetricSettings.From(experiment.Spec),
            _policies.Create(experiment.Spec.PolicyJson),
            readForEveryDecision: ExperimentOptions.FromSettingsJson(experiment.Spec.SettingsJson).MaxTotalEpochs is not null)));
        try
        {
            return lazy.Value;
        }
        catch (HpoValidationException)
        {
            // Lazy caches the exception; forget it so that a later trial tries again (and fails the same way, in its own words).
            _deciders.TryRemove(new KeyValuePair<long, Lazy<ExperimentDecider>>(experiment.Id, lazy));
            throw;
        }
    }

    /// <summary>
    /// Binds the trial's experiment to this executor's LC-PFN model (once per experiment and process), or says why
    /// this executor must not decide it: another model decides it already.
    /// </summary>
    private async Task<string?> CheckModelAsync(TrialRecord trial, CancellationToken cancellationToken)
    {
        if (_model is null || (_deciders.TryGetValue(trial.ExperimentId, out var known) && known.IsValueCreated && (known.Value.ModelBound || known.Value.Policy is not IPredictorPolicy)))
        {
            // Nothing to bind, or already checked in this process: no read.
            return null;
        }

        var experiment = await GetExperimentAsync(trial.ExperimentId, cancellationToken).ConfigureAwait(false);
        if (experiment is null || _model is null)
        {
            return null;
        }

        ExperimentDecider decider;
        try
        {
            decider = Decider(experiment);
        }
        catch (HpoValidationException)
        {
            // The claimed run reports it as the trial's failure.
            return null;
        }

        if (decider.ModelBound || decider.Policy is not IPredictorPolicy)
        {
            return null;
        }

        string bound = await _store.BindDecisionModelAsync(experiment.Id, _model.Sha256, cancellationToken).ConfigureAwait(false);
        if (bound != _model.Sha256)
        {
            return $"Experiment '{experiment.Spec.Name}' is decided by the LC-PFN model with SHA-256 {bound}, but this worker's model '{_model.Path}' has SHA-256 {_model.Sha256}; start every worker of the experiment with the same model (--model or $HPO_LCPFN_MODEL). The trial was left for them.";
        }

        decider.ModelBound = true;
        return null;
    }

    private string? BudgetSpent(ExperimentRecord experiment, ExperimentOptions settings, long totalEpochs)
    {
        if (settings.MaxTotalEpochs is { } max && totalEpochs >= max)
        {
            return $"the epoch budget of {max} is spent";
        }

        if (settings.MaxWallTime is { } wall && _time.GetUtcNow() - experiment.CreatedAt >= wall)
        {
            return $"the wall-time budget of {wall.ToString("c", CultureInfo.InvariantCulture)} is spent";
        }

        return null;
    }

    private async Task<TrialExecution> FinishAsync(TrialRecord trial, TrialLease lease, TrialStatus status, string? detail, Progress progress, CancellationToken cancellationToken, bool written = false)
    {
        if (!written)
        {
            await _store.FinishTrialAsync(lease, status, detail, cancellationToken).ConfigureAwait(false);
        }

        var outcome = status switch
        {
            TrialStatus.Completed => TrialOutcome.Completed,
            TrialStatus.Stopped => TrialOutcome.Stopped,
            _ => TrialOutcome.Failed,
        };
        return new TrialExecution(trial.Id, trial.ExperimentId, outcome, lease.Attempt, progress.Epochs, detail);
    }

    private async Task<TrialExecution> WorkloadFailedAsync(TrialRecord trial, TrialLease lease, TrialExecutionOptions options, string error, Progress progress, CancellationToken cancellationToken)
    {
        LogTrialFailed(_logger, trial.Id, lease.Attempt, options.FinalAttempt, error);
        if (!options.FinalAttempt)
        {
            return new TrialExecution(trial.Id, trial.ExperimentId, TrialOutcome.AttemptFailed, lease.Attempt, progress.Epochs, error);
        }

        return await FinishAsync(trial, lease, TrialStatus.Failed, error, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ClaimResult> ClaimAsync(TrialRecord trial, TrialExecutionOptions options, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        var current = trial;
        while (true)
        {
            // Checked before every claim, not once: a live holder this execution waits for may pause the trial meanwhile.
            if (current.Status == TrialStatus.Paused && options.ResumeOfAttempt != current.Attempt)
            {
                return new ClaimResult(null, current, TrialOutcome.LeftPaused, $"The trial is paused (attempt {current.Attempt}) and this execution was not chosen to resume it; only the experiment's slot policy resumes paused trials.");
            }

            try
            {
                var lease = await _store.ClaimTrialAsync(trial.Id, options.WorkerId, options.LeaseDuration, cancellationToken).ConfigureAwait(false);

                // What the claim changed comes with the lease (the last recorded epoch as of the claim, under the trial's
                // lock); the rest of the record does not change while the trial is held, so it is not read again.
                var claimed = current with { Status = TrialStatus.Running, Attempt = lease.Attempt, LeaseToken = lease.Token, WorkerId = lease.WorkerId, LastEpoch = lease.ResumeFromEpoch };
                return new ClaimResult(lease, claimed, TrialOutcome.Completed, null);
            }
            catch (TrialStateException)
            {
                // Terminal, or held by a live lease: a dead holder's lease lapses within one lease duration.
                var read = await _store.GetTrialAsync(trial.Id, cancellationToken).ConfigureAwait(false);
                if (read is null)
                {
                    return new ClaimResult(null, trial, TrialOutcome.NotFound, $"Trial {trial.Id} does not exist.");
                }

                current = read;

                if (current.IsTerminal)
                {
                    return new ClaimResult(null, current, TrialOutcome.AlreadyFinished, $"The trial had already ended as {current.Status}.");
                }

                if (_time.GetElapsedTime(started) >= options.EffectiveClaimWait)
                {
                    return new ClaimResult(null, current, TrialOutcome.HeldElsewhere, $"Worker '{current.WorkerId}' kept the trial under a live lease for {options.EffectiveClaimWait.TotalSeconds:F0} s.");
                }

                var now = _time.GetUtcNow();
                var lapse = (current.LastHeartbeat ?? now) + options.LeaseDuration - now;
                var wait = lapse < MinPoll ? MinPoll : lapse > options.HeartbeatInterval ? options.HeartbeatInterval : lapse + TimeSpan.FromMilliseconds(10);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                current = await _store.GetTrialAsync(trial.Id, cancellationToken).ConfigureAwait(false) ?? current;
            }
        }
    }

    private async Task HeartbeatLoopAsync(TrialLease lease, TimeSpan interval, CancellationTokenSource leaseLost, CancellationToken stop)
    {
        while (true)
        {
            await Task.Delay(interval, _time, stop).ConfigureAwait(false);
            try
            {
                await _store.HeartbeatAsync(lease, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is StaleLeaseException or TrialStateException)
            {
                // Another worker owns the trial now (or it ended): stop this execution before it writes again.
                LogLeaseLost(_logger, lease.TrialId, lease.Attempt, ex.Message);
                await leaseLost.CancelAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsInfrastructure(ex))
            {
                // The next beat tries again; the per-epoch writes ride out the outage themselves.
                LogHeartbeatFailed(_logger, lease.TrialId, ex.Message);
            }
        }
    }

    private static List<double> Prefix(IReadOnlyList<ObservationRecord> observations)
    {
        var values = new List<double>();
        foreach (var o in observations)
        {
            if (o.Epoch != values.Count + 1)
            {
                break;
            }

            values.Add(o.Value);
        }

        return values;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Trial {TrialId}: refused without claiming it: {Detail}")]
    private static partial void LogModelMismatch(ILogger logger, long trialId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId}: the database is failing ({Seconds:F1} s so far); resuming from the last recorded epoch: {Error}")]
    private static partial void LogOutage(ILogger logger, long trialId, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId} attempt {Attempt}: lease lost to another worker; nothing more is written: {Detail}")]
    private static partial void LogLeaseLost(ILogger logger, long trialId, int attempt, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId} attempt {Attempt} failed (final attempt: {Final}): {Error}")]
    private static partial void LogTrialFailed(ILogger logger, long trialId, int attempt, bool final, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId} epoch {Epoch}: the stored value differs from this run's; keeping the stored one: {Detail}")]
    private static partial void LogConflict(ILogger logger, long trialId, int epoch, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trial {TrialId}: lease heartbeat failed; retrying at the next beat: {Error}")]
    private static partial void LogHeartbeatFailed(ILogger logger, long trialId, string error);

    private sealed class Progress
    {
        public int Epochs { get; set; }
    }

    private sealed record ClaimResult(TrialLease? Lease, TrialRecord Trial, TrialOutcome Outcome, string? Detail);
}
