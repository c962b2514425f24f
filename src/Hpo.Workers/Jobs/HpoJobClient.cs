using Hangfire;
using Hangfire.Common;
using Hangfire.States;
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
        if (attemptsMade == 0 && delay <= TimeSpan.Zero)
        {
            return EnqueueTrial(trialId);
        }

        // Scheduled (at least a second out) so that the retry count is set before any worker can fetch the job.
        var job = Job.FromExpression<TrialJob>(j => j.RunAsync(trialId, null, CancellationToken.None));
        string id = _fleet.Client.Create(job, new ScheduledState(delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay));
        using var connection = _fleet.Storage.GetConnection();
        connection.SetJobParameter(id, "RetryCount", SerializationHelper.Serialize(attemptsMade));
        return id;
    }

    /// <summary>Enqueues an advance of experiment <paramref name="experimentId"/> (propose trials as budget allows); returns the Hangfire job id.</summary>
    public string EnqueueAdvance(long experimentId) =>
        _fleet.Client.Create(Job.FromExpression<ExperimentJob>(j => j.AdvanceAsync(experimentId, CancellationToken.None)), new EnqueuedState(_fleet.Options.Queue));
}
