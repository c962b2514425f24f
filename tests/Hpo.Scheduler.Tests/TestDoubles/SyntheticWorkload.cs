using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Scheduler.Tests.TestDoubles;

/// <summary>
/// A workload with known curves: configuration {"quality": q, "plateau": p} gives
/// y(t) = q·(1 − exp(−t/4)) for t ≤ p and y(p) afterwards (p = 0: never plateaus). A quality of
/// exactly 0 throws at epoch 2 (a failing trial). Records every start, can advance a fake clock per
/// epoch, and calls a hook after every epoch (tests cancel from it).
/// </summary>
internal sealed class SyntheticWorkload(bool higherIsBetter = true) : IWorkload
{
    private readonly Lock _gate = new();

    public static string SpaceJson { get; } =
        """{"quality":{"type":"float","low":0,"high":1},"plateau":{"type":"int","low":0,"high":100}}""";

    public string Name => "synthetic";

    public string MetricName => higherIsBetter ? "accuracy" : "loss";

    public bool HigherIsBetter => higherIsBetter;

    /// <summary>(quality, resumeAfterEpoch) of every StartAsync call.</summary>
    public List<(double Quality, int ResumeAfterEpoch)> Starts { get; } = [];

    /// <summary>Advanced by <see cref="EpochDuration"/> every epoch, when set.</summary>
    public FakeTimeProvider? Clock { get; set; }

    public TimeSpan EpochDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When set, the first epoch of each of the first N runs waits until N runs have reached it, so a
    /// test proves N trials train at once (it fails after 10 s instead of deadlocking).
    /// </summary>
    public int? Rendezvous { get; set; }

    private int _arrived;
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called after each epoch with (quality, epoch).</summary>
    public Action<double, int>? AfterEpoch { get; set; }

    public static TrialParameters Config(double quality, long plateau = 0) =>
        new([new("quality", quality), new("plateau", plateau)]);

    public static double Value(double quality, long plateau, int epoch) =>
        quality * (1 - Math.Exp(-(plateau > 0 ? Math.Min(epoch, plateau) : epoch) / 4.0));

    public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default)
    {
        double q = parameters.GetDouble("quality");
        long p = parameters.GetInt64("plateau");
        lock (_gate)
        {
            Starts.Add((q, resumeAfterEpoch));
        }

        return Task.FromResult<IWorkloadRun>(new Run(this, q, p, resumeAfterEpoch));
    }

    private sealed class Run(SyntheticWorkload owner, double quality, long plateau, int resumeAfter) : IWorkloadRun
    {
        private int _last = resumeAfter;

        public async Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (epoch != _last + 1)
            {
                throw new InvalidOperationException($"Epoch {epoch} after {_last}.");
            }

            if (epoch == 1 && owner.Rendezvous is { } n && Interlocked.Increment(ref owner._arrived) <= n)
            {
                if (owner._arrived >= n)
                {
                    owner._allArrived.TrySetResult();
                }

                await owner._allArrived.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }

            if (quality == 0 && epoch == 2)
            {
                throw new InvalidOperationException("synthetic failure");
            }

            _last = epoch;
            owner.Clock?.Advance(owner.EpochDuration);
            double y = Value(quality, plateau, epoch);
            owner.AfterEpoch?.Invoke(quality, epoch);
            return owner.HigherIsBetter ? y : 1 - y;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
