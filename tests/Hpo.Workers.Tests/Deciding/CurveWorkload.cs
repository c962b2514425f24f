using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;

namespace Hpo.Workers.Tests.Deciding;

/// <summary>A workload whose curve is known in advance: epoch e reports <c>x − 0.1 / e</c> for the trial's parameter x.</summary>
internal sealed class CurveWorkload : IWorkload, IWorkloadProvider
{
    public const string SearchSpaceJson = """{"x":{"type":"float","low":0,"high":1}}""";

    public string Name => "curve";

    public string MetricName => "score";

    public bool HigherIsBetter => true;

    public static double Value(double x, int epoch) => x - (0.1 / epoch);

    public IWorkload GetWorkload(ExperimentRecord experiment) => this;

    public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        Task.FromResult<IWorkloadRun>(new Run(parameters.GetDouble("x")));

    private sealed class Run(double x) : IWorkloadRun
    {
        public Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default) => Task.FromResult(Value(x, epoch));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
