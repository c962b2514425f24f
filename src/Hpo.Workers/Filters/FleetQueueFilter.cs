using Hangfire.States;

namespace Hpo.Workers.Filters;

/// <summary>
/// Keeps the fleet's jobs on the fleet's queue: Hangfire re-enqueues scheduled jobs (retries) on its
/// <c>default</c> queue, which the workers do not serve, so a retry would never run.
/// </summary>
internal sealed class FleetQueueFilter(string queue) : IElectStateFilter
{
    public void OnStateElection(ElectStateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CandidateState is EnqueuedState enqueued && enqueued.Queue == EnqueuedState.DefaultQueue && queue != EnqueuedState.DefaultQueue)
        {
            enqueued.Queue = queue;
        }
    }
}
