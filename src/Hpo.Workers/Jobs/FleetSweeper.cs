using Hpo.Scheduler.Persistence;
using Hpo.Workers.Hosting;
using Hpo.Workers.Leasing;
using Microsoft.Extensions.Logging;

namespace Hpo.Workers.Jobs;

/// <summary>
/// The fleet's safety net, run by one worker at a time: trials whose lease lapsed long ago (their job was
/// lost, not just delayed), pending trials nobody picked up for long, and running experiments with nothing
/// unfinished get their jobs enqueued again. Hangfire's invisibility timeout recovers the usual crashes;
/// this covers the rare ones (a crash between creating a trial and enqueueing it).
/// </summary>
public sealed partial class FleetSweeper
{
    private readonly IExperimentStore _store;
    private readonly HangfireFleet _fleet;
    private readonly HpoJobClient _jobs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the sweeper.</summary>
    public FleetSweeper(IExperimentStore store, HangfireFleet fleet, HpoJobClient jobs, TimeProvider timeProvider, ILogger<FleetSweeper> logger)
    {
        _store = store;
        _fleet = fleet;
        _jobs = jobs;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Sweeps once, unless another worker is sweeping; returns the jobs enqueued.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        await using var held = await AdvisoryLock.TryAcquireAsync(_fleet.PostgresConnectionString, LockKeys.SweepClass, 0, cancellationToken).ConfigureAwait(false);
        if (held is null)
        {
            return 0;
        }

        var options = _fleet.Options;
        var now = _time.GetUtcNow();
        int enqueued = 0;
        foreach (var trial in await _store.FindStaleTrialsAsync(now - (options.LeaseDuration * 2), null, cancellationToken).ConfigureAwait(false))
        {
            _jobs.EnqueueTrial(trial.Id);
            LogRequeued(_logger, trial.Id, "its lease lapsed two lease durations ago");
            enqueued++;
        }

        var experiments = await _store.ListExperimentsAsync(1, 100, cancellationToken).ConfigureAwait(false);
        foreach (var experiment in experiments.Items.Where(e => e.Status is ExperimentStatus.Running or ExperimentStatus.Created))
        {
            var pending = await _store.ListTrialsAsync(experiment.Id, 1, 1000, TrialStatus.Pending, cancellationToken).ConfigureAwait(false);
            var running = await _store.ListTrialsAsync(experiment.Id, 1, 1, TrialStatus.Running, cancellationToken).ConfigureAwait(false);
            foreach (var trial in pending.Items.Where(t => now - t.CreatedAt > options.OrphanedPendingAfter))
            {
                _jobs.EnqueueTrial(trial.Id);
                LogRequeued(_logger, trial.Id, "it was pending too long");
                enqueued++;
            }

            if (pending.TotalCount == 0 && running.TotalCount == 0)
            {
                _jobs.EnqueueAdvance(experiment.Id);
                enqueued++;
            }
        }

        return enqueued;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep: trial {TrialId} enqueued again because {Why}")]
    private static partial void LogRequeued(ILogger logger, long trialId, string why);
}
