using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hpo.Scheduler.Experiments;
using Hpo.Workers.Hosting;

namespace Hpo.Workers.Jobs;

/// <summary>Enqueues the fleet's jobs. Arguments are store ids only: every job reads the rest from the store.</summary>
public sealed class HpoJobClient
{
    private readonly HangfireFleet _fleet;

    /// <summary>Creates the client over the fleet's Hangfire.</summary>
    public HpoJobClient(HangfireFleet fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        _fleet = fleet;
    }

    /// <summary>Enqueues a run of trial <paramref name="trialId"/>; returns the Hangfire job id.</summary>
    public string EnqueueTrial(long trialId) =>
        _fleet.Client.Create(Job.FromExpression<TrialJob>(j => j.RunAsync(trialId, null, CancellationToken.None)), new EnqueuedState(_fleet.Options.Queue));

    /// <summary>
    /// Creates a job for trial <paramref name="trialId"/> that counts <paramref name="attemptsMade"/> attempts already made
    /// elsewhere (a slot that ran it chained), so Hangfire's retry filter allows the same total as for any trial; it runs
    /// after <paramref name="delay"/>. Returns the Hangfire job id.
    /// </summary>
    public string EnqueueTrial(long trialId, int attemptsMade, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attemptsMade);
        IState state = delay > TimeSpan.Zero ? new ScheduledState(delay) : new EnqueuedState(_fleet.Options.Queue);
        return Create(trialId, state, new Dictionary<string, object> { ["RetryCount"] = attemptsMade });
    }

    /// <summary>
    /// Enqueues the run that resumes paused trial <paramref name="trialId"/>, which the experiment's slot policy chose while
    /// the trial was at attempt <paramref name="attempt"/>: that job may claim the trial even before the advance requeues it,
    /// and no other job may claim it while it is paused (<see cref="TrialExecutionOptions.ResumeOfAttempt"/>). Returns the Hangfire job id.
    /// </summary>
    public string EnqueueResume(long trialId, int attempt) =>
        Create(trialId, new EnqueuedState(_fleet.Options.Queue), new Dictionary<string, object> { [TrialJob.ResumeOfAttemptParameter] = attempt });

    // The parameters are written with the job, so no worker can fetch it without them.
    private string Create(long trialId, IState state, Dictionary<string, object> parameters) =>
        ((IBackgroundJobClientV2)_fleet.Client).Create(Job.FromExpression<TrialJob>(j => j.RunAsync(trialId, null, CancellationToken.None)), state, parameters);

    /// <summary>Enqueues an advance of experiment <paramref name="experimentId"/> (propose trials as budget allows); returns the Hangfire job id.</summary>
    public string EnqueueAdvance(long experimentId) =>
        _fleet.Client.Create(Job.FromExpression<ExperimentJob>(j => j.AdvanceAsync(experimentId, CancellationToken.None)), new EnqueuedState(_fleet.Options.Queue));
}
