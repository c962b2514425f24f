using Hangfire;

namespace Hpo.Workers.Jobs;

/// <summary>The Hangfire job that advances an experiment: proposes trials while its budget allows, or marks it Completed.</summary>
public sealed class ExperimentJob
{
    private readonly ExperimentAdvancer _advancer;
    private readonly TimeProvider _time;

    /// <summary>Creates the job (Hangfire resolves it per run).</summary>
    public ExperimentJob(ExperimentAdvancer advancer, TimeProvider timeProvider)
    {
        _advancer = advancer;
        _time = timeProvider;
    }

    /// <summary>Advances experiment <paramref name="experimentId"/>; idempotent and safe to run concurrently.</summary>
    [JobDisplayName("Advance experiment {0}")]
    public Task AdvanceAsync(long experimentId, CancellationToken cancellationToken) =>
        InfrastructureRetry.RunAsync(ct => _advancer.AdvanceAsync(experimentId, ct), _time, cancellationToken);
}
