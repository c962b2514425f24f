using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;

namespace Hpo.Workers.Tests.Fleet;

/// <summary>
/// A workload whose training throws at a given epoch (a bug in the trial, not the fleet): every time, or from the
/// <paramref name="healthyStarts"/>+1-th start on, so that the first trials complete and a later one fails.
/// </summary>
internal sealed class FailingWorkload(int failAtEpoch, int healthyStarts = 0) : IWorkload
{
    private int _starts;

    public const string TypeName = "failing";
    public const string Message = "boom: the model diverged";
    public const string SearchSpaceJson = """{"x":{"type":"float","low":0,"high":1}}""";

    public string Name => TypeName;

    public string MetricName => "score";

    public bool HigherIsBetter => true;

    public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        Task.FromResult<IWorkloadRun>(new Run(Interlocked.Increment(ref _starts) > healthyStarts ? failAtEpoch : int.MaxValue));

    private sealed class Run(int failAtEpoch) : IWorkloadRun
    {
        public Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default) =>
            epoch >= failAtEpoch ? throw new InvalidOperationException(Message) : Task.FromResult(epoch / 10.0);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
