namespace Hpo.Workloads.LcBench;

/// <summary>One configuration's precomputed surrogate curve, served epoch by epoch.</summary>
internal sealed class LcBenchRun(string workload, string fingerprint, double[] curve, int resumeAfterEpoch) : IResumableWorkloadRun
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

    public Task SaveCheckpointAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        cancellationToken.ThrowIfCancellationRequested();
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        CheckpointHeader.Write(writer, workload, fingerprint, _last);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
