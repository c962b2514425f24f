using System.Collections.Concurrent;
using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
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
/// proposal for <c>n</c>, so advancing twice never creates a trial twice. With a pausing policy (one that implements
/// <see cref="ISlotPolicy"/>) a paused trial's next slice is a new job: each free slot asks the policy whether to start a
/// new configuration or resume a paused trial (requeued as Pending, so any worker may take it and it counts as
/// unfinished until then), and ends the paused trials it gives up on.
/// </summary>
public sealed partial class ExperimentAdvancer
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);

    /// <summary>How often a slot's lock-free fill may lose the race for the next trial number before it takes the lock.</summary>
    private const int LockFreeAttempts = 8;

    /// <summary>
    /// The fewest and most numbers a claimed creation proposes for (the concurrency, between the two): the other slots of
    /// the fleet create trials between two of this process's creations, which the window absorbs. Each proposal is
    /// serialised and validated against the search space, so the window is no wider than that needs (the concurrency
    /// bounds how many slots can have created meanwhile, bar a slot that frees and refills in between).
    /// </summary>
    private const int MinClaimWindow = 4;

    private const int MaxClaimWindow = 16;

    /// <summary>How often the locked advance accepts the store's refusal of a trial before it reports the experiment inconsistent.</summary>
    private const int MaxRefusals = 1000;

    private readonly IExperimentStore _store;
    private readonly TunerFactory _tuners;
    private readonly StoppingPolicyFactory _policies;
    private readonly HangfireFleet _fleet;
    private readonly HpoJobClient _jobs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _slotGates = new();
    private readonly ConcurrentDictionary<long, ExperimentPlan> _plans = new();

    /// <summary>Creates the advancer.</summary>
    public ExperimentAdvancer(IExperimentStore store, TunerFactory tuners, StoppingPolicyFactory policies, HangfireFleet fleet, HpoJobClient jobs, TimeProvider timeProvider, ILogger<ExperimentAdvancer> logger)
    {
        _store = store;
        _tuners = tuners;
        _policies = policies;
        _fleet = fleet;
        _jobs = jobs;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Creates and enqueues the trials the budget allows now; returns them.</summary>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    public Task<IReadOnlyList<TrialRecord>> AdvanceAsync(long experimentId, CancellationToken cancellationToken = default) =>
        AdvanceAsync(experimentId, runHere: null, runnerJob: null, cancellationToken);

    /// <summary>
    /// Creates the trials the budget allows now and enqueues them. With <paramref name="runHere"/> (the caller is a worker
    /// slot whose trial just ended) it fills that one slot only, and the caller runs the trial it created itself, so the
    /// next trial needs no queue hop: slots whose trials ended at the same moment each fill their own when their advance
    /// takes the lock, instead of the first filling all of them and handing the others' trials to the queue while their
    /// slots end their jobs (measured: 1,238 trial jobs in a 3,000-trial run). <paramref name="runHere"/> is called right
    /// after the trial is stored, before anything else can fail or be cancelled; it returns false to have the trial enqueued
    /// after all. <paramref name="runnerJob"/> (the caller's job) is stored with the trial in its creation, so that a rerun of
    /// that job finds it (<see cref="IExperimentStore.FindRunnerJobTrialAsync"/>). Returns every created trial, the kept one
    /// first.
    /// </summary>
    /// <remarks>
    /// A slot that frees without advancing (its own trial failed for good) enqueues a plain advance, which fills every
    /// free slot; so does the sweep when nothing runs.
    /// </remarks>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    public Task<IReadOnlyList<TrialRecord>> AdvanceAsync(long experimentId, Func<TrialRecord, bool>? runHere, string? runnerJob = null, CancellationToken cancellationToken = default) =>
        AdvanceAsync(experimentId, runHere is null ? null : (trial, _) => runHere(trial), runnerJob, claim: null, cancellationToken);

    /// <summary>
    /// As <see cref="AdvanceAsync(long, Func{TrialRecord, bool}?, string?, CancellationToken)"/>; with <paramref name="claim"/>,
    /// a trial the slot fills itself without the lock is created already claimed for <see cref="SlotClaim.WorkerId"/>
    /// (<see cref="IExperimentStore.TryCreateClaimedTrialAsync"/>), and <paramref name="runHere"/> gets its lease (null for a
    /// trial created unclaimed, which the caller claims). A claimed trial that <paramref name="runHere"/> refuses is enqueued
    /// all the same; its job claims it once the lease lapses.
    /// </summary>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    public async Task<IReadOnlyList<TrialRecord>> AdvanceAsync(long experimentId, Func<TrialRecord, TrialLease?, bool>? runHere, string? runnerJob, SlotClaim? claim, CancellationToken cancellationToken = default)
    {
        var created = new List<TrialRecord>();
        TrialRecord? kept = null;
        var resumed = new List<long>();
        // Everything that does not depend on the experiment's trials is read and built before taking the lock, which every
        // slot of the fleet waits for after each trial: the advance's time under it bounds the fleet's trials/s. An experiment
        // ended by another advance meanwhile has no budget left, so this advance creates nothing either.
        //
        // A slot of an experiment this process has seen running fills itself from what it built then, without reading the
        // experiment: its creation re-checks in the store that the experiment is open, and when the budget is spent (the
        // experiment may be complete) or the slot keeps losing the race, the full advance below reads it afresh.
        bool triedLockFree = false;
        if (runHere is not null && _plans.TryGetValue(experimentId, out var known) && known.FillsOwnSlot)
        {
            triedLockFree = true;
            if (await TryFillOwnSlotAsync(known, runHere, runnerJob, claim, cancellationToken).ConfigureAwait(false) is { } refilled)
            {
                return refilled;
            }
        }

        var experiment = await _store.GetExperimentAsync(experimentId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"Experiment {experimentId} does not exist.");
        if (experiment.Status is ExperimentStatus.Completed or ExperimentStatus.Cancelled or ExperimentStatus.Failed)
        {
            _plans.TryRemove(experimentId, out _);
            return created;
        }

        var plan = PlanFor(experiment);
        var settings = plan.Settings;
        var tuner = plan.Tuner;
        long capacity = plan.Capacity;

        // A pausing policy is built afresh for every advance, as it chooses from the paused trials of the moment.
        var slots = plan.Pauses ? SlotPolicy(experimentId, experiment.Spec.PolicyJson, out _) : null;
        // Not twice: a fill that just gave up (budget spent, or too many lost races) goes to the lock.
        if (runHere is not null && plan.FillsOwnSlot && !triedLockFree
            && await TryFillOwnSlotAsync(plan, runHere, runnerJob, claim, cancellationToken).ConfigureAwait(false) is { } filled)
        {
            return filled;
        }

        await using (var held = await AdvisoryLock.AcquireAsync(_fleet.PostgresConnectionString, LockKeys.AdvanceClass, LockKeys.Experiment(experimentId), LockWait, cancellationToken).ConfigureAwait(false))
        {
            // Counts, not the trials themselves, and counts that do not visit the finished trials: this runs under the
            // experiment's lock after every trial's end, so its cost is paid once per trial by the whole fleet (a GROUP BY
            // over an experiment's 36,400 trials took 32 ms and bounded trials/s as the experiment grew). Only an epoch
            // budget needs the summed epochs, which do read every trial.
            var counts = await _store.GetTrialSlotsAsync(experimentId, includeEpochs: settings.MaxTotalEpochs is not null, cancellationToken).ConfigureAwait(false);
            int count = counts.Trials;
            int unfinished = counts.Unfinished;
            bool budgetLeft = BudgetLeft(experiment, settings, counts.Epochs);

            // Only a pausing policy leaves paused trials; reading them (and, when there are any, every curve) costs
            // the experiment's size, which only such experiments pay.
            var pausedTrials = slots is null ? [] : await ListAllAsync(experimentId, TrialStatus.Paused, cancellationToken).ConfigureAwait(false);
            var paused = pausedTrials.Select(t => t.Id).ToList();
            StoppingContext? context = null;
            bool ended = false;
            int refused = 0;
            while (budgetLeft && unfinished < settings.Concurrency)
            {
                bool canStartNew = count < settings.MaxTrials && count < capacity;
                if (slots is not null && paused.Count > 0)
                {
                    context ??= await StoppingContextLoader.LoadAsync(_store, experimentId, cancellationToken).ConfigureAwait(false);
                    var curves = context.Curves.Where(c => paused.Contains(c.TrialId)).OrderBy(c => c.Number).ToArray();
                    var choice = slots.ChooseSlot(context, curves, canStartNew, cancellationToken);
                    await held.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
                    foreach (long id in choice.StopForGood.Where(paused.Remove))
                    {
                        await _store.StopPausedTrialAsync(id, choice.Reason, cancellationToken).ConfigureAwait(false);
                    }

                    if (choice.Action == SlotAction.Resume && choice.ResumeTrialId is { } resume && paused.Remove(resume))
                    {
                        // The job first, then the requeue: an advance killed between the two leaves a paused trial with a
                        // job that was made for this choice (it carries the trial's attempt, so it may claim the trial while
                        // still paused, and no stray job may), where the other order could leave it Pending with no job,
                        // holding the experiment open (seen in the SIGKILL chaos test).
                        _jobs.EnqueueResume(resume, pausedTrials.First(t => t.Id == resume).Attempt);
                        await _store.RequeuePausedTrialAsync(resume, cancellationToken).ConfigureAwait(false);
                        resumed.Add(resume);
                        unfinished++;
                        if (runHere is not null)
                        {
                            break;
                        }

                        continue;
                    }

                    if (choice.Action != SlotAction.StartNew)
                    {
                        break;
                    }
                }

                if (!canStartNew)
                {
                    break;
                }

                int number = count + 1;
                var parameters = tuner.Propose(new TrialSettings { TrialId = number, StartedAtUtc = _time.GetUtcNow().UtcDateTime });

                // Conditional, like a slot's own lock-free fill (which may run beside this lock): trial n is created only
                // while the experiment has n - 1 trials and a free slot, so neither a fill that got in first nor a lost
                // lock session can give trial n another proposal or overfill the experiment; the counts are read again.
                TrialRecord? trial;
                try
                {
                    // The caller's slot runs the first trial it creates (runHere), so that one carries the caller's job.
                    trial = await _store.TryCreateTrialAsync(experimentId, number, settings.Concurrency, parameters.ToJson(), runHere is not null && created.Count == 0 ? runnerJob : null, cancellationToken).ConfigureAwait(false);
                }
                catch (TrialStateException ex)
                {
                    // The experiment ended (cancelled, failed) after it was read above: nothing more to create.
                    LogEnded(_logger, experimentId, ex.Message);
                    ended = true;
                    break;
                }

                if (trial is null)
                {
                    // Each refusal means another creation (or a trial's end) happened meanwhile; endless refusals would mean
                    // the experiment's trial counter disagrees with its trials, which no retry fixes.
                    if (++refused > MaxRefusals)
                    {
                        throw new InvalidOperationException($"Experiment {experimentId}: the store refused trial {number} {refused} times although the counts read allowed it (trials {count}, unfinished {unfinished}); its trial counter disagrees with its trials.");
                    }

                    counts = await _store.GetTrialSlotsAsync(experimentId, includeEpochs: settings.MaxTotalEpochs is not null, cancellationToken).ConfigureAwait(false);
                    count = counts.Trials;
                    unfinished = counts.Unfinished;
                    continue;
                }

                created.Add(trial);
                if (created.Count == 1 && runHere is not null && runHere(trial, null))
                {
                    kept = trial;
                }

                count = trial.Number;
                unfinished++;
                if (runHere is not null)
                {
                    break;
                }
            }

            // An experiment that ended meanwhile has the status whoever ended it set.
            if (!ended && unfinished == 0)
            {
                // Nothing runs and the slot policy resumes nothing more: the trials it left paused end here.
                foreach (long id in paused)
                {
                    await _store.StopPausedTrialAsync(id, "the experiment ended while it was paused (no slot resumed it)", cancellationToken).ConfigureAwait(false);
                }

                await _store.SetExperimentStatusAsync(experimentId, ExperimentStatus.Completed, cancellationToken).ConfigureAwait(false);
                _plans.TryRemove(experimentId, out _);
                LogCompleted(_logger, experimentId, count);
            }
            else if (!ended && experiment.Status == ExperimentStatus.Created)
            {
                await _store.SetExperimentStatusAsync(experimentId, ExperimentStatus.Running, cancellationToken).ConfigureAwait(false);
                plan.SeenRunning = true;
            }
        }

        foreach (var trial in created.Where(t => t != kept))
        {
            _jobs.EnqueueTrial(trial.Id);
        }

        if (resumed.Count > 0)
        {
            LogResumed(_logger, experimentId, resumed.Count);
        }

        if (created.Count > 0)
        {
            LogProposed(_logger, experimentId, created.Count, created[0].Number, created[^1].Number);
        }

        return created;
    }

    /// <summary>
    /// Fills the calling slot without the experiment's lock: reads the counts, proposes trial <c>n</c> for them and creates it
    /// only if the experiment still has <c>n - 1</c> trials and a free slot (<see cref="IExperimentStore.TryCreateTrialAsync"/>),
    /// reading again when another slot got there first. Returns what the advance created (nothing when every slot is
    /// taken or the experiment ended), or null to have the locked advance decide: the budget is spent (so the experiment
    /// may be complete), or the slot lost the race too often.
    /// </summary>
    /// <remarks>
    /// Measured with the lock on every advance: each slot waited 29 ms on average for it and the fleet stayed at ~85 trials/s
    /// on two cores with 0.7 of them idle (BENCHMARKS §4b): the lock cost a new unpooled connection and four round trips per
    /// trial, held across three of them. Only an experiment whose policy pauses nothing takes this path: resuming a paused
    /// trial makes it unfinished without a new trial number, which the store's condition cannot see, so that stays under
    /// the lock.
    /// </remarks>
    private async Task<IReadOnlyList<TrialRecord>?> TryFillOwnSlotAsync(ExperimentPlan plan, Func<TrialRecord, TrialLease?, bool> runHere, string? runnerJob, SlotClaim? claim, CancellationToken cancellationToken)
    {
        // The slots of this process take turns (a gate per experiment, held for the counts read and the creation): racing
        // each other they only made the store refuse the losers, and every refusal is two more statements.
        var gate = _slotGates.GetOrAdd(plan.Experiment.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await FillOwnSlotAsync(plan, runHere, runnerJob, claim, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IReadOnlyList<TrialRecord>?> FillOwnSlotAsync(ExperimentPlan plan, Func<TrialRecord, TrialLease?, bool> runHere, string? runnerJob, SlotClaim? claim, CancellationToken cancellationToken)
    {
        var experiment = plan.Experiment;
        var settings = plan.Settings;
        long limit = Math.Min(settings.MaxTrials, plan.Capacity);
        for (int attempt = 0; attempt < LockFreeAttempts; attempt++)
        {
            // A claimed creation proposes for a window of numbers, so its first try needs no count read: it starts at the
            // count this process saw last, and the store creates whichever number is next if it lies in the window and a
            // slot is free. The count is read when that fails, or when an epoch budget needs the summed epochs.
            int trials;
            bool counted = !(attempt == 0 && claim is not null && settings.MaxTotalEpochs is null && plan.KnownTrials is not null);
            if (counted)
            {
                var counts = await _store.GetTrialSlotsAsync(experiment.Id, includeEpochs: settings.MaxTotalEpochs is not null, cancellationToken).ConfigureAwait(false);
                if (!BudgetLeft(experiment, settings, counts.Epochs) || counts.Trials >= limit)
                {
                    return null;
                }

                if (counts.Unfinished >= settings.Concurrency)
                {
                    return [];
                }

                trials = counts.Trials;
                plan.KnownTrials = trials;
            }
            else
            {
                trials = plan.KnownTrials!.Value;
                if (!BudgetLeft(experiment, settings, epochs: null) || trials >= limit)
                {
                    continue;
                }
            }

            TrialRecord? trial;
            TrialLease? lease = null;
            try
            {
                if (claim is null)
                {
                    int number = trials + 1;
                    var parameters = plan.Tuner.Propose(new TrialSettings { TrialId = number, StartedAtUtc = _time.GetUtcNow().UtcDateTime });
                    trial = await _store.TryCreateTrialAsync(experiment.Id, number, settings.Concurrency, parameters.ToJson(), runnerJob, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Proposals for every number other slots of the fleet may have reached meanwhile, within the budget.
                    int window = (int)Math.Min(limit - trials, Math.Clamp(settings.Concurrency, MinClaimWindow, MaxClaimWindow));
                    var startedAt = _time.GetUtcNow().UtcDateTime;
                    var proposals = new string[window];
                    for (int i = 0; i < window; i++)
                    {
                        proposals[i] = plan.Tuner.Propose(new TrialSettings { TrialId = trials + 1 + i, StartedAtUtc = startedAt }).ToJson();
                    }

                    var made = await _store.TryCreateClaimedTrialAsync(experiment.Id, trials + 1, proposals, settings.Concurrency, runnerJob, claim.WorkerId, claim.LeaseDuration, cancellationToken).ConfigureAwait(false);
                    trial = made?.Trial;
                    lease = made?.Lease;
                }
            }
            catch (TrialStateException ex)
            {
                LogEnded(_logger, experiment.Id, ex.Message);
                return [];
            }

            if (trial is null)
            {
                continue;
            }

            plan.KnownTrials = Math.Max(plan.KnownTrials ?? 0, trial.Number);
            if (!runHere(trial, lease))
            {
                _jobs.EnqueueTrial(trial.Id);
            }

            LogProposed(_logger, experiment.Id, 1, trial.Number, trial.Number);
            return [trial];
        }

        return null;
    }

    /// <summary>
    /// What the advances of an experiment build from its spec (settings, tuner, whether its policy pauses), once per
    /// experiment and process: the spec never changes, and building a tuner per trial (a grid shuffles all its points)
    /// was paid by every slot after every trial. Forgotten when an advance finds the experiment ended.
    /// </summary>
    private ExperimentPlan PlanFor(ExperimentRecord experiment)
    {
        if (!_plans.TryGetValue(experiment.Id, out var plan))
        {
            var spec = experiment.Spec;
            var settings = ExperimentOptions.FromSettingsJson(spec.SettingsJson);
            var tuner = _tuners.Create(spec.TunerJson, SearchSpace.FromJson(spec.SearchSpaceJson), settings.Seed);
            var policy = SlotPolicy(experiment.Id, spec.PolicyJson, out bool built);
            plan = _plans.GetOrAdd(experiment.Id, new ExperimentPlan(experiment, settings, tuner, policy is not null, built));
        }

        // Only an experiment seen Running fills slots without the lock (a Created one is set Running by a locked advance).
        plan.SeenRunning |= experiment.Status == ExperimentStatus.Running;
        return plan;
    }

    /// <summary>Whether the epoch and wall-time budgets allow another trial (the trial count is checked apart, against the tuner's capacity too).</summary>
    private bool BudgetLeft(ExperimentRecord experiment, ExperimentOptions settings, long? epochs) =>
        (settings.MaxTotalEpochs is not { } maxEpochs || (epochs ?? 0) < maxEpochs)
        && (settings.MaxWallTime is not { } wall || _time.GetUtcNow() - experiment.CreatedAt < wall);

    /// <summary>The experiment's policy as a slot policy, or null when it only stops or cannot be built here (<paramref name="built"/> false; its trials' jobs say why).</summary>
    private ISlotPolicy? SlotPolicy(long experimentId, string policyJson, out bool built)
    {
        try
        {
            built = true;
            return _policies.Create(policyJson) as ISlotPolicy;
        }
        catch (HpoValidationException ex)
        {
            built = false;
            LogPolicyUnavailable(_logger, experimentId, ex.Message);
            return null;
        }
    }

    private async Task<List<TrialRecord>> ListAllAsync(long experimentId, TrialStatus status, CancellationToken cancellationToken)
    {
        var all = new List<TrialRecord>();
        for (int page = 1; ; page++)
        {
            var p = await _store.ListTrialsAsync(experimentId, page, 1000, status, cancellationToken).ConfigureAwait(false);
            all.AddRange(p.Items);
            if (p.Items.Count < p.PageSize || all.Count >= p.TotalCount)
            {
                return all;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Experiment {ExperimentId} ended while it was advanced: {Reason}")]
    private static partial void LogEnded(ILogger logger, long experimentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Experiment {ExperimentId}: proposed {Count} trial(s), numbers {First}–{Last}")]
    private static partial void LogProposed(ILogger logger, long experimentId, int count, int first, int last);

    [LoggerMessage(Level = LogLevel.Information, Message = "Experiment {ExperimentId}: resumed {Count} paused trial(s)")]
    private static partial void LogResumed(ILogger logger, long experimentId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Experiment {ExperimentId}: its policy cannot be built on this worker, so paused trials are not resumed here: {Error}")]
    private static partial void LogPolicyUnavailable(ILogger logger, long experimentId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Experiment {ExperimentId} completed with {Trials} trials")]
    private static partial void LogCompleted(ILogger logger, long experimentId, int trials);
}
