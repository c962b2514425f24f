using Hangfire;
using Hangfire.Server;
using Hpo.Scheduler.Experiments;
using Hpo.Workers.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Jobs;

/// <summary>
/// The Hangfire job that runs one trial (<see cref="TrialExecutor"/>) and, once the trial has ended, advances its
/// experiment itself and runs the next trial that creates at once, in the same job, so that short trials follow each
/// other without waiting for the queue (the other trials the advance creates are enqueued). Safe to run twice or
/// concurrently for the same trial: the store's lease decides who trains, and the other run waits for a dead holder
/// or ends without writing.
/// </summary>
/// <remarks>
/// A trial run this way has no job of its own. If its worker dies, the sweep re-enqueues it once its lease has
/// lapsed (two lease durations; a Pending one that was never claimed after <c>--orphaned-after-seconds</c>); if its
/// attempt fails, a retry job is scheduled with the retry count Hangfire would have given it, so it gets the same
/// attempts as any trial.
/// </remarks>
public sealed partial class TrialJob
{
    private readonly TrialExecutor _executor;
    private readonly HpoJobClient _jobs;
    private readonly ExperimentAdvancer _advancer;
    private readonly WorkerIdentity _identity;
    private readonly HpoWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the job (Hangfire resolves it per run).</summary>
    public TrialJob(TrialExecutor executor, HpoJobClient jobs, ExperimentAdvancer advancer, WorkerIdentity identity, IOptions<HpoWorkerOptions> options, TimeProvider timeProvider, ILogger<TrialJob> logger)
    {
        _advancer = advancer;
        _time = timeProvider;
        ArgumentNullException.ThrowIfNull(options);
        _executor = executor;
        _jobs = jobs;
        _identity = identity;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Runs trial <paramref name="trialId"/>.</summary>
    /// <param name="trialId">The trial's store id.</param>
    /// <param name="context">Supplied by Hangfire (pass null when enqueueing): the retry count tells the final attempt.</param>
    /// <param name="cancellationToken">Hangfire's shutdown/abort token; cancelling leaves the trial resumable.</param>
    /// <exception cref="TrialAttemptFailedException">The trial's workload failed; Hangfire retries, or fails the job on the final attempt (the trial is then Failed in the store).</exception>
    [JobDisplayName("Trial {0}")]
    public async Task RunAsync(long trialId, PerformContext? context, CancellationToken cancellationToken)
    {
        int retries = context?.GetJobParameter<int>("RetryCount", allowStale: true) ?? 0;
        var result = await ExecuteAsync(trialId, retries >= _options.RetryAttempts, cancellationToken).ConfigureAwait(false);

        if (result.Outcome is (TrialOutcome.Completed or TrialOutcome.Stopped or TrialOutcome.AlreadyFinished) && result.ExperimentId is { } experimentId)
        {
            await RunNextTrialsAsync(experimentId, cancellationToken).ConfigureAwait(false);
        }
        else if (result.TrialEnded && result.ExperimentId is { } failedIn)
        {
            await InfrastructureRetry.RunAsync(() => _jobs.EnqueueAdvance(failedIn), _time, cancellationToken).ConfigureAwait(false);
        }

        if (result.Outcome == TrialOutcome.ModelMismatch)
        {
            // The trial is untouched (still Pending); a retry may land on a worker with the experiment's model.
            throw new TrialAttemptFailedException($"Trial {trialId} refused by worker '{_identity.Id}': {result.Detail}");
        }

        if (result.Outcome is TrialOutcome.AttemptFailed or TrialOutcome.Failed)
        {
            throw new TrialAttemptFailedException($"Trial {trialId} attempt {result.Attempt} ({retries + 1} of {_options.RetryAttempts + 1}) failed: {result.Detail}");
        }
    }

    private async Task<TrialExecution> ExecuteAsync(long trialId, bool finalAttempt, CancellationToken cancellationToken)
    {
        var result = await _executor.ExecuteAsync(
            trialId,
            new TrialExecutionOptions
            {
                WorkerId = _identity.Id,
                LeaseDuration = _options.LeaseDuration,
                HeartbeatInterval = _options.HeartbeatInterval,
                FinalAttempt = finalAttempt,
                MaxOutage = _options.MaxOutage,
            },
            cancellationToken).ConfigureAwait(false);
        LogResult(_logger, trialId, result.Outcome, result.Attempt, result.EpochsTrained, result.Detail);
        return result;
    }

    /// <summary>
    /// Advances the experiment and runs the trial that creates here, as long as trials end normally; anything else
    /// goes back to the queue (an attempt's failure as a scheduled retry) and ends the chain.
    /// </summary>
    private async Task RunNextTrialsAsync(long experimentId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = await InfrastructureRetry.RunAsync(ct => _advancer.AdvanceAndTakeAsync(experimentId, ct), _time, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            LogChained(_logger, next.Id, next.Number, experimentId);
            var result = await ExecuteAsync(next.Id, finalAttempt: _options.RetryAttempts == 0, cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case TrialOutcome.Completed or TrialOutcome.Stopped or TrialOutcome.AlreadyFinished:
                    continue;
                case TrialOutcome.AttemptFailed:
                    await InfrastructureRetry.RunAsync(() => _jobs.ScheduleTrialRetry(next.Id, retryCount: 1), _time, cancellationToken).ConfigureAwait(false);
                    return;
                case TrialOutcome.Failed:
                    await InfrastructureRetry.RunAsync(() => _jobs.EnqueueAdvance(experimentId), _time, cancellationToken).ConfigureAwait(false);
                    return;
                default:
                    // Held or taken over elsewhere, or refused: its holder, a retry or the sweep carries it on.
                    return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trial {TrialId} (#{Number} of experiment {ExperimentId}) runs next in this job")]
    private static partial void LogChained(ILogger logger, long trialId, int number, long experimentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {TrialId}: {Outcome} (store attempt {Attempt}, {Epochs} epochs trained here) {Detail}")]
    private static partial void LogResult(ILogger logger, long trialId, TrialOutcome outcome, int attempt, int epochs, string? detail);
}
