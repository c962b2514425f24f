using Hangfire;
using Hangfire.Server;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Workers.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Jobs;

/// <summary>
/// The Hangfire job that runs one trial (<see cref="TrialExecutor"/>) and, once the trial has ended (or paused), advances
/// its experiment in the same worker slot and runs the trial that advance created (a chained trial), and so on while
/// there is work, so a slot passes from trial to trial without a queue hop. Safe to run twice or concurrently for the
/// same trial: the store's lease decides who trains, and the other run waits for a dead holder or ends without writing.
/// </summary>
public sealed partial class TrialJob
{
    /// <summary>The job parameter of a job made to resume a paused trial: the trial's attempt when the slot policy chose it.</summary>
    internal const string ResumeOfAttemptParameter = "HpoResumeOfAttempt";

    private readonly TrialExecutor _executor;
    private readonly IExperimentStore _store;
    private readonly ExperimentAdvancer _advancer;
    private readonly HpoJobClient _jobs;
    private readonly WorkerIdentity _identity;
    private readonly HpoWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the job (Hangfire resolves it per run).</summary>
    public TrialJob(TrialExecutor executor, IExperimentStore store, ExperimentAdvancer advancer, HpoJobClient jobs, WorkerIdentity identity, IOptions<HpoWorkerOptions> options, TimeProvider timeProvider, ILogger<TrialJob> logger)
    {
        _store = store;
        _time = timeProvider;
        ArgumentNullException.ThrowIfNull(options);
        _executor = executor;
        _advancer = advancer;
        _jobs = jobs;
        _identity = identity;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>
    /// Runs trial <paramref name="trialId"/>, then, while its experiment has more to run, the trials that take its slot:
    /// the slot advances the experiment itself and runs the trial it created, with no queue hop between trials.
    /// </summary>
    /// <param name="trialId">The trial's store id.</param>
    /// <param name="context">Supplied by Hangfire (pass null when enqueueing): the retry count tells the final attempt, and the job's id finds the chained trial it was running.</param>
    /// <param name="cancellationToken">Hangfire's shutdown/abort token; cancelling leaves the trial resumable.</param>
    /// <exception cref="TrialAttemptFailedException">The job's own trial failed; Hangfire retries, or fails the job on the final attempt (the trial is then Failed in the store).</exception>
    [JobDisplayName("Trial {0}")]
    public async Task RunAsync(long trialId, PerformContext? context, CancellationToken cancellationToken)
    {
        int retries = context?.GetJobParameter<int>("RetryCount", allowStale: true) ?? 0;
        if (retries == 0 && context?.BackgroundJob is { } job)
        {
            FleetMetrics.QueueWait.Record(Math.Max(0, (_time.GetUtcNow().UtcDateTime - job.CreatedAt).TotalMilliseconds));
        }

        // A job that died while running a chained trial (SIGKILL, shutdown) picks that trial up again when Hangfire
        // hands the job out again, so a chained trial is recovered as fast as the job's own: each chained trial is created
        // with this job's id (trials.runner_job), one read here per job start instead of a job-parameter write per trial.
        string? jobId = context?.BackgroundJob?.Id;
        long current = jobId is null ? trialId
            : await InfrastructureRetry.RunAsync(ct => _store.FindRunnerJobTrialAsync(trialId, jobId, ct), _time, cancellationToken).ConfigureAwait(false) ?? trialId;
        int? resumeOf = context?.GetJobParameter<int?>(ResumeOfAttemptParameter, allowStale: true);

        // The chained trial this job has taken on and not finished: if Hangfire aborts the job (shutdown, or another server
        // now runs a copy of it that started before this trial was recorded), the trial gets a job of its own.
        long? handOff = null;

        // The record of a chained trial as its creation returned it, so that its execution does not read it again, and the
        // lease it was created with (claimed in its creation, so its execution does not claim it either).
        TrialRecord? created = null;
        TrialLease? createdLease = null;
        try
        {
            while (true)
            {
                bool chained = current != trialId;
                handOff = chained ? current : null;
                var options = new TrialExecutionOptions
                {
                    WorkerId = _identity.Id,
                    LeaseDuration = _options.LeaseDuration,
                    HeartbeatInterval = _options.HeartbeatInterval,
                    FinalAttempt = chained ? _options.RetryAttempts == 0 : retries >= _options.RetryAttempts,
                    MaxOutage = _options.MaxOutage,
                    ResumeOfAttempt = chained ? null : resumeOf,
                };
                var result = created is null || created.Id != current
                    ? await _executor.ExecuteAsync(current, options, cancellationToken).ConfigureAwait(false)
                    : createdLease is not null
                        ? await _executor.ExecuteAsync(new ClaimedTrial(created, createdLease), options, cancellationToken).ConfigureAwait(false)
                        : await _executor.ExecuteAsync(created, options, cancellationToken).ConfigureAwait(false);
                handOff = null;
                LogResult(_logger, current, result.Outcome, result.Attempt, result.EpochsTrained, result.Detail);

                if (result.Outcome == TrialOutcome.Failed && !chained && result.ExperimentId is { } failedIn)
                {
                    // The job's own trial failed for good: its slot is free (an advance job fills it) and the job fails too.
                    await InfrastructureRetry.RunAsync(() => _jobs.EnqueueAdvance(failedIn), _time, cancellationToken).ConfigureAwait(false);
                    throw new TrialAttemptFailedException($"Trial {current} attempt {result.Attempt} ({retries + 1} of {_options.RetryAttempts + 1}) failed: {result.Detail}");
                }

                if (result.Outcome is TrialOutcome.ModelMismatch or TrialOutcome.AttemptFailed)
                {
                    if (!chained)
                    {
                        // The trial is untouched (model mismatch) or may be retried: Hangfire's retry filter takes it from here.
                        throw new TrialAttemptFailedException(result.Outcome == TrialOutcome.ModelMismatch
                            ? $"Trial {current} refused by worker '{_identity.Id}': {result.Detail}"
                            : $"Trial {current} attempt {result.Attempt} ({retries + 1} of {_options.RetryAttempts + 1}) failed: {result.Detail}");
                    }

                    // A chained trial's retries (or another worker's model) are a job of its own, which counts the attempt made
                    // here, so the retry budget is the same as for any trial; this slot's job ends cleanly.
                    bool attempted = result.Outcome == TrialOutcome.AttemptFailed;
                    await InfrastructureRetry.RunAsync(() => _jobs.EnqueueTrial(current, attempted ? 1 : 0, attempted ? _options.RetryDelay : TimeSpan.Zero), _time, cancellationToken).ConfigureAwait(false);
                    return;
                }

                // A paused trial frees its slot as an ended one does: the advance asks the slot policy what runs next.
                if (!(result.TrialEnded || result.Outcome == TrialOutcome.Paused) || result.ExperimentId is not { } experimentId)
                {
                    return;
                }

                // The trial kept for this slot is stored with this job's id (runner_job) in its creation: a job that dies or is
                // cancelled from then on resumes it when rerun, rather than leaving it Pending with no job.
                // It is created claimed by this worker where the store can (one write instead of a creation and a claim).
                TrialRecord? next = null;
                TrialLease? nextLease = null;
                await InfrastructureRetry.RunAsync(
                    ct => _advancer.AdvanceAsync(
                        experimentId,
                        (trial, lease) =>
                        {
                            next = trial;
                            nextLease = lease;
                            handOff = trial.Id;
                            return true;
                        },
                        jobId,
                        new SlotClaim(_identity.Id, _options.LeaseDuration),
                        ct),
                    _time,
                    cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    return;
                }

                created = next;
                createdLease = nextLease;
                current = next.Id;
            }
        }
        catch (OperationCanceledException) when (handOff is { } orphan)
        {
            _jobs.EnqueueTrial(orphan);
            LogHandedOff(_logger, orphan);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {TrialId}: this job was cancelled while running it chained, so it got a job of its own")]
    private static partial void LogHandedOff(ILogger logger, long trialId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {TrialId}: {Outcome} (store attempt {Attempt}, {Epochs} epochs trained here) {Detail}")]
    private static partial void LogResult(ILogger logger, long trialId, TrialOutcome outcome, int attempt, int epochs, string? detail);
}
