using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Tuning;
using Hpo.Workers.Hosting;
using Hpo.Workers.Leasing;
using Microsoft.Extensions.Logging;

namespace Hpo.Workers.Jobs;

/// <summary>
/// Proposes an experiment's next trials while its budget allows (at most <c>concurrency</c> unfinished, at most
/// <c>maxTrials</c> in all, epoch and wall-time budgets), enqueues them, and marks the experiment Completed once
/// nothing runs and nothing more may start. Idempotent under any concurrency: creation runs under a
/// per-experiment PostgreSQL advisory lock, trial numbers are dense, and trial <c>n</c> always gets the tuner's
/// proposal for <c>n</c>, so advancing twice never creates a trial twice.
/// </summary>
public sealed partial class ExperimentAdvancer
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);

    private readonly IExperimentStore _store;
    private readonly TunerFactory _tuners;
    private readonly HangfireFleet _fleet;
    private readonly HpoJobClient _jobs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the advancer.</summary>
    public ExperimentAdvancer(IExperimentStore store, TunerFactory tuners, HangfireFleet fleet, HpoJobClient jobs, TimeProvider timeProvider, ILogger<ExperimentAdvancer> logger)
    {
        _store = store;
        _tuners = tuners;
        _fleet = fleet;
        _jobs = jobs;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Creates and enqueues the trials the budget allows now; returns them.</summary>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    public async Task<IReadOnlyList<TrialRecord>> AdvanceAsync(long experimentId, CancellationToken cancellationToken = default)
    {
        var created = new List<TrialRecord>();
        await using (var held = await AdvisoryLock.AcquireAsync(_fleet.PostgresConnectionString, LockKeys.AdvanceClass, LockKeys.Experiment(experimentId), LockWait, cancellationToken).ConfigureAwait(false))
        {
            var experiment = await _store.GetExperimentAsync(experimentId, cancellationToken).ConfigureAwait(false)
                ?? throw new NotFoundException($"Experiment {experimentId} does not exist.");
            if (experiment.Status is ExperimentStatus.Completed or ExperimentStatus.Cancelled or ExperimentStatus.Failed)
            {
                return created;
            }

            var spec = experiment.Spec;
            var settings = ExperimentOptions.FromSettingsJson(spec.SettingsJson);
            var tuner = _tuners.Create(spec.TunerJson, SearchSpace.FromJson(spec.SearchSpaceJson), settings.Seed);
            long capacity = tuner is IFiniteTuner finite ? finite.Capacity : long.MaxValue;
            // Counts, not the trials themselves: an advance follows every trial's end, so reading every trial here
            // would cost each advance the experiment's size. Only an epoch budget needs every trial's epochs.
            // One read for all the counts: this runs under the experiment's lock, which every trial's end waits
            // for, so each round trip here is paid once per trial by the whole fleet (it bounded trials/s).
            var counts = await _store.CountTrialsAsync(experimentId, cancellationToken).ConfigureAwait(false);
            int count = (int)counts.Values.Sum();
            int unfinished = (int)(counts[TrialStatus.Pending] + counts[TrialStatus.Running]);
            long epochs = settings.MaxTotalEpochs is null ? 0 : (await ListAllAsync(experimentId, cancellationToken).ConfigureAwait(false)).Sum(t => (long)t.LastEpoch);
            bool budgetLeft = (settings.MaxTotalEpochs is not { } maxEpochs || epochs < maxEpochs)
                && (settings.MaxWallTime is not { } wall || _time.GetUtcNow() - experiment.CreatedAt < wall);

            while (budgetLeft && unfinished < settings.Concurrency && count < settings.MaxTrials && count < capacity)
            {
                int number = count + 1;
                var parameters = tuner.Propose(new TrialSettings { TrialId = number, StartedAtUtc = _time.GetUtcNow().UtcDateTime });

                // The lock's session must still exist: if it was terminated another advancer may be creating trial n too.
                await held.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
                var trial = await _store.CreateTrialAsync(experimentId, parameters.ToJson(), cancellationToken).ConfigureAwait(false);
                if (trial.Number != number)
                {
                    LogForeignTrial(_logger, experimentId, number, trial.Number);
                }

                created.Add(trial);
                count = trial.Number;
                unfinished++;
            }

            if (unfinished == 0)
            {
                await _store.SetExperimentStatusAsync(experimentId, ExperimentStatus.Completed, cancellationToken).ConfigureAwait(false);
                LogCompleted(_logger, experimentId, count);
            }
            else if (experiment.Status == ExperimentStatus.Created)
            {
                await _store.SetExperimentStatusAsync(experimentId, ExperimentStatus.Running, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var trial in created)
        {
            _jobs.EnqueueTrial(trial.Id);
        }

        if (created.Count > 0)
        {
            LogProposed(_logger, experimentId, created.Count, created[0].Number, created[^1].Number);
        }

        return created;
    }

    private async Task<List<TrialRecord>> ListAllAsync(long experimentId, CancellationToken cancellationToken)
    {
        var all = new List<TrialRecord>();
        for (int page = 1; ; page++)
        {
            var p = await _store.ListTrialsAsync(experimentId, page, 1000, null, cancellationToken).ConfigureAwait(false);
            all.AddRange(p.Items);
            if (p.Items.Count < p.PageSize || all.Count >= p.TotalCount)
            {
                return all;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Experiment {ExperimentId}: proposed {Count} trial(s), numbers {First}–{Last}")]
    private static partial void LogProposed(ILogger logger, long experimentId, int count, int first, int last);

    [LoggerMessage(Level = LogLevel.Information, Message = "Experiment {ExperimentId} completed with {Trials} trials")]
    private static partial void LogCompleted(ILogger logger, long experimentId, int trials);

    [LoggerMessage(Level = LogLevel.Error, Message = "Experiment {ExperimentId}: expected to create trial {Expected} but the store numbered it {Actual}; something created trials outside the fleet's lock")]
    private static partial void LogForeignTrial(ILogger logger, long experimentId, int expected, int actual);
}
