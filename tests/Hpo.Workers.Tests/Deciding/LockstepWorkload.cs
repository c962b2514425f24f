using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;

namespace Hpo.Workers.Tests.Deciding;

/// <summary>Trials whose epochs end together: epoch e of every trial finishes when all <c>trials</c> have reached it.</summary>
internal sealed class LockstepWorkload(int trials) : IWorkload, IWorkloadProvider
{
    private readonly Dictionary<int, (int Arrived, TaskCompletionSource Gate)> _epochs = [];

    public string Name => "lockstep";

    public string MetricName => "score";

    public bool HigherIsBetter => true;

    public IWorkload GetWorkload(ExperimentRecord experiment) => this;

    public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        Task.FromResult<IWorkloadRun>(new Run(this, parameters.GetDouble("x")));

    private Task ArriveAsync(int epoch)
    {
        lock (_epochs)
        {
            var (arrived, gate) = _epochs.TryGetValue(epoch, out var state) ? state : (0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _epochs[epoch] = (arrived + 1, gate);
            if (arrived + 1 == trials)
            {
                gate.SetResult();
            }

            return gate.Task;
        }
    }

    private sealed class Run(LockstepWorkload owner, double x) : IWorkloadRun
    {
        public async Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
        {
            await owner.ArriveAsync(epoch).WaitAsync(cancellationToken);
            return CurveWorkload.Value(x, epoch);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
