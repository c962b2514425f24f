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

    /// <summary>Enqueues an advance of experiment <paramref name="experimentId"/> (propose trials as budget allows); returns the Hangfire job id.</summary>
    public string EnqueueAdvance(long experimentId) =>
        _fleet.Client.Create(Job.FromExpression<ExperimentJob>(j => j.AdvanceAsync(experimentId, CancellationToken.None)), new EnqueuedState(_fleet.Options.Queue));
}
