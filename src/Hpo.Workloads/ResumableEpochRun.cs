using System.Text;

namespace Hpo.Workloads;

/// <summary>
/// An <see cref="EpochRun"/> that a pausing policy can freeze after an epoch and that any worker can continue: the
/// checkpoint is the <see cref="CheckpointHeader"/> (workload, configuration fingerprint, epoch) followed by what the
/// run writes in <see cref="WriteState"/>. A header that does not match the resume, or a body that does not read back,
/// is an <see cref="InvalidDataException"/> that says which.
/// </summary>
internal abstract class ResumableEpochRun : EpochRun, IResumableWorkloadRun
{
    private readonly string _workload;
    private readonly string _fingerprint;

    /// <param name="workload">The workload's registry name, written into (and checked against) the checkpoint.</param>
    /// <param name="fingerprint">The configuration's <see cref="CheckpointHeader.Fingerprint"/>.</param>
    protected ResumableEpochRun(string workload, string fingerprint)
    {
        _workload = workload;
        _fingerprint = fingerprint;
    }

    /// <inheritdoc />
    public Task SaveCheckpointAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return BetweenEpochsAsync(
            _ =>
            {
                using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
                CheckpointHeader.Write(writer, _workload, _fingerprint, CompletedEpochs);
                WriteState(writer);
            },
            cancellationToken);
    }

    /// <summary>
    /// Creates a run off the caller's thread and re-trains its first <paramref name="resumeAfterEpoch"/> epochs (a
    /// trial continued without a checkpoint: same seed, same curve); the run is disposed if either step fails.
    /// </summary>
    internal static Task<ResumableEpochRun> StartAsync(Func<ResumableEpochRun> create, int resumeAfterEpoch, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(resumeAfterEpoch);
        return OpenAsync(create, (run, ct) => run.ReplayAsync(resumeAfterEpoch, ct), cancellationToken);
    }

    /// <summary>
    /// Creates a run off the caller's thread and restores it from <paramref name="checkpoint"/>, written after
    /// <paramref name="epoch"/>; the run is disposed if either step fails.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint is another workload's, configuration's or epoch's, or corrupt.</exception>
    internal static Task<ResumableEpochRun> ResumeAsync(Func<ResumableEpochRun> create, Stream checkpoint, int epoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return OpenAsync(create, (run, ct) => run.LoadCheckpointAsync(checkpoint, epoch, ct), cancellationToken);
    }

    /// <summary>Writes everything the next epoch depends on besides the configuration and seed; called between epochs.</summary>
    protected abstract void WriteState(BinaryWriter writer);

    /// <summary>Reads back what <see cref="WriteState"/> wrote into this fresh run; any exception means a corrupt body.</summary>
    protected abstract void ReadState(BinaryReader reader);

    private async Task LoadCheckpointAsync(Stream source, int epoch, CancellationToken cancellationToken)
    {
        await BetweenEpochsAsync(
            _ =>
            {
                using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
                CheckpointHeader.Read(reader, _workload, _fingerprint, epoch);
                try
                {
                    ReadState(reader);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Libraries report a damaged body in their own ways (a zip's InvalidDataException, a wrong cast,
                    // an end of stream); one message says it is this checkpoint's body.
                    throw CheckpointHeader.Corrupt(_workload, ex);
                }
            },
            cancellationToken).ConfigureAwait(false);
        RestoredAfter(epoch);
    }

    private static async Task<ResumableEpochRun> OpenAsync(Func<ResumableEpochRun> create, Func<ResumableEpochRun, CancellationToken, Task> prepare, CancellationToken cancellationToken)
    {
        var run = await Task.Run(create, cancellationToken).ConfigureAwait(false);
        try
        {
            await prepare(run, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return run;
    }
}
