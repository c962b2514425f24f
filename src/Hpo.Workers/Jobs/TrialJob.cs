using Hangfire;
using Hangfire.Server;
using Hpo.Scheduler.Experiments;
using Hpo.Workers.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Jobs;

/// <summary>
/// The Hangfire job that runs one trial (<see cref="TrialExecutor"/>) and, once the trial has ended, enqueues
/// its experiment's advance. Safe to run twice or concurrently for the same trial: the store's lease decides
/// who trains, and the other run waits for a dead holder or ends without writing.
/// </summary>
public sealed partial class TrialJob
{
    private readonly TrialExecutor _executor;
    private readonly HpoJobClient _jobs;
    private readonly WorkerIdentity _identity;
    private readonly HpoWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the job (Hangfire resolves it per run).</summary>
    public TrialJob(TrialExecutor executor, HpoJobClient jobs, WorkerIdentity identity, IOptions<HpoWorkerOptions> options, TimeProvider timeProvider, ILogger<TrialJob> logger)
    {
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
        if (retries == 0 && context?.BackgroundJob is { } job)
        {
            FleetMetrics.QueueWait.Record(Math.Max(0, (_time.GetUtcNow().UtcDateTime - job.CreatedAt).TotalMilliseconds));
        }

        var result = await _executor.ExecuteAsync(
            trialId,
            new TrialExecutionOptions
            {
                WorkerId = _identity.Id,
                LeaseDuration = _options.LeaseDuration,
                HeartbeatInterval = _options.HeartbeatInterval,
                FinalAttempt = retries >= _options.RetryAttempts,
                MaxOutage = _options.MaxOutage,
            },
            cancellationToken).ConfigureAwait(false);
        LogResult(_logger, trialId, result.Outcome, result.Attempt, result.EpochsTrained, result.Detail);

        // A paused trial frees its slot as an ended one does: the advance asks the slot policy what runs next.
        if ((result.TrialEnded || result.Outcome == TrialOutcome.Paused) && result.ExperimentId is { } experimentId)
        {
            await InfrastructureRetry.RunAsync(() => _jobs.EnqueueAdvance(experimentId), _time, cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {TrialId}: {Outcome} (store attempt {Attempt}, {Epochs} epochs trained here) {Detail}")]
    private static partial void LogResult(ILogger logger, long trialId, TrialOutcome outcome, int attempt, int epochs, string? detail);
}
