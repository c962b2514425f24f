namespace Hpo.Workloads.LcBench;

/// <summary>
/// One configuration's surrogate curve, served epoch by epoch and computed in fixed parts as the trial reaches them
/// (<see cref="Parts"/>): most trials of an early-stopped experiment end within a few epochs, and computing all 52 at the
/// start was a tenth of a fleet benchmark's CPU. The parts do not depend on where a run started, so a resumed trial is
/// served exactly the values an uninterrupted one would have been.
/// </summary>
internal sealed class LcBenchRun(string workload, string fingerprint, Func<int, int, double[]> predict, int resumeAfterEpoch) : IResumableWorkloadRun
{
    /// <summary>The last epoch of each part: the powers of two where rung-based policies decide, then the rest.</summary>
    internal static readonly int[] Parts = [4, 8, 16, 32, LcBenchSurrogate.Epochs];

    private readonly double[] _curve = new double[LcBenchSurrogate.Epochs];
    private int _computedLast;
    private int _last = resumeAfterEpoch;

    public Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (epoch != _last + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"Epochs are trained in order; the next is {_last + 1}.");
        }

        if (epoch > LcBenchSurrogate.Epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"LCBench curves have {LcBenchSurrogate.Epochs} epochs.");
        }

        // Epochs come in order, so the part holding this one is the next to compute.
        if (epoch > _computedLast)
        {
            int partLast = Parts.First(p => p >= epoch);
            int partFirst = partLast == Parts[0] ? 1 : Parts[Array.IndexOf(Parts, partLast) - 1] + 1;
            predict(partFirst, partLast).CopyTo(_curve, partFirst - 1);
            _computedLast = partLast;
        }

        _last = epoch;
        return Task.FromResult(_curve[epoch - 1]);
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
