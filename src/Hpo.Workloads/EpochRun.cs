namespace Hpo.Workloads;

/// <summary>
/// The bookkeeping every trainable run shares: epochs run one at a time and consecutively on a pool
/// thread (so the caller's thread is free), a failure or cancellation in the middle of an epoch leaves the
/// run unusable (its model is half-updated), and disposal waits for a running epoch.
/// </summary>
internal abstract class EpochRun : IWorkloadRun
{
    private readonly Lock _gate = new();
    private Task _current = Task.CompletedTask;
    private int _completedEpochs;
    private bool _busy;
    private bool _broken;
    private bool _disposed;

    /// <summary>Epochs trained so far (replayed ones included).</summary>
    public int CompletedEpochs => _completedEpochs;

    /// <inheritdoc />
    public async Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default)
    {
        if (epoch != _completedEpochs + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"Epochs run consecutively from 1; the next epoch of this run is {_completedEpochs + 1}.");
        }

        double metric = await RunExclusiveAsync(
            ct =>
            {
                TrainEpoch(ct);
                return Evaluate();
            },
            cancellationToken).ConfigureAwait(false);
        _completedEpochs = epoch;
        return metric;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            running = _current;
        }

        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The epoch's caller has seen this failure; disposal only needs the native resources back.
        }

        DisposeCore();
    }

    /// <summary>Trains <paramref name="epochs"/> epochs without evaluating them, to continue a run after a restart.</summary>
    internal async Task ReplayAsync(int epochs, CancellationToken cancellationToken)
    {
        if (epochs <= 0)
        {
            return;
        }

        await RunExclusiveAsync(
            ct =>
            {
                for (int i = 0; i < epochs; i++)
                {
                    TrainEpoch(ct);

                    // Counted as they go: a run may key an epoch's randomness on its number.
                    _completedEpochs = i + 1;
                }

                return 0.0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks a run restored from a checkpoint as having trained <paramref name="epochs"/> epochs.</summary>
    internal void RestoredAfter(int epochs) => _completedEpochs = epochs;

    /// <summary>
    /// Runs <paramref name="work"/> between epochs, exclusively (no epoch trains meanwhile), on a pool thread: writing or
    /// reading a checkpoint.
    /// </summary>
    internal Task BetweenEpochsAsync(Action<CancellationToken> work, CancellationToken cancellationToken) =>
        RunExclusiveAsync(
            ct =>
            {
                work(ct);
                return 0.0;
            },
            cancellationToken);

    /// <summary>One pass of training; called on a pool thread, never concurrently.</summary>
    protected abstract void TrainEpoch(CancellationToken cancellationToken);

    /// <summary>The validation metric of the current model; called on the thread that just trained.</summary>
    protected abstract double Evaluate();

    /// <summary>Releases the run's resources; called once, after any running epoch has ended.</summary>
    protected abstract void DisposeCore();

    private async Task<double> RunExclusiveAsync(Func<CancellationToken, double> work, CancellationToken cancellationToken)
    {
        Task<double> task;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_broken)
            {
                throw new InvalidOperationException("An earlier epoch of this run failed or was cancelled part-way, so its model is inconsistent; start a new run (with resumeAfterEpoch) to continue.");
            }

            if (_busy)
            {
                throw new InvalidOperationException("An epoch of this run is already training; await it before starting the next.");
            }

            _busy = true;
            task = Task.Run(
                () =>
                {
                    // Cancelled before touching the model: the run stays usable.
                    cancellationToken.ThrowIfCancellationRequested();
                    try
                    {
                        return work(cancellationToken);
                    }
                    catch
                    {
                        _broken = true;
                        throw;
                    }
                },
                cancellationToken);
            _current = task;
        }

        try
        {
            return await task.ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _busy = false;
            }
        }
    }
}
