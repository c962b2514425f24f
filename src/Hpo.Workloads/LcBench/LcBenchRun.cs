namespace Hpo.Workloads.LcBench;

/// <summary>One configuration's precomputed surrogate curve, served epoch by epoch.</summary>
internal sealed class LcBenchRun(double[] curve, int resumeAfterEpoch) : IWorkloadRun
{
    private int _last = resumeAfterEpoch;

    public Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (epoch != _last + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"Epochs are trained in order; the next is {_last + 1}.");
        }

        if (epoch > curve.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"LCBench curves have {curve.Length} epochs.");
        }

        _last = epoch;
        return Task.FromResult(curve[epoch - 1]);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
