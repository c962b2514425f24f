using System.Globalization;

namespace Hpo.Scheduler.Stopping;

/// <summary>
/// Keeps every trial's curve of one experiment and asks the policy for decisions, batching the trials
/// that report while a decision is being taken into the next single policy call (so the LC-PFN
/// answers them with one forward pass). Thread-safe.
/// </summary>
/// <remarks>
/// Batching works by combining rather than by waiting: a reporter queues its request, and whichever
/// reporter holds the decision gate decides every queued request at once. No report waits on a timer
/// to form a bigger batch (only one scheduler yield); trials that finish an epoch while the model is
/// busy share its next call.
/// </remarks>
public sealed class StoppingCoordinator : IDisposable
{
    private readonly IStoppingPolicy _policy;
    private readonly MetricSettings _metric;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, CurveBuffer> _curves = [];
    private readonly List<Request> _queue = [];
    private readonly SemaphoreSlim _decider = new(1, 1);
    private double? _best;
    private long _batches;
    private long _decisions;

    /// <summary>Creates a coordinator for an experiment measured by <paramref name="metric"/>.</summary>
    public StoppingCoordinator(IStoppingPolicy policy, MetricSettings metric)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(metric);
        _policy = policy;
        _metric = metric.Validated();
    }

    /// <summary>The policy deciding.</summary>
    public IStoppingPolicy Policy => _policy;

    /// <summary>How many policy calls were made.</summary>
    public long BatchCount => Interlocked.Read(ref _batches);

    /// <summary>How many decisions were taken.</summary>
    public long DecisionCount => Interlocked.Read(ref _decisions);

    /// <summary>The best value observed by any trial so far (direction-aware), or null.</summary>
    public double? BestSoFar
    {
        get
        {
            lock (_gate)
            {
                return _best;
            }
        }
    }

    /// <summary>What a policy would see now: every trial's curve and the best value (for <see cref="ISlotPolicy.ChooseSlot"/>).</summary>
    public StoppingContext Snapshot()
    {
        lock (_gate)
        {
            return new StoppingContext(_metric, _curves.Values.Select(c => c.Snapshot()).ToArray(), _best);
        }
    }

    /// <summary>Loads a curve recorded earlier (on resume), so that decisions see it.</summary>
    /// <exception cref="ArgumentException">The trial already has a different curve here.</exception>
    public void Load(long trialId, int number, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (_gate)
        {
            for (int i = 0; i < values.Count; i++)
            {
                Append(trialId, number, i + 1, values[i]);
            }
        }
    }

    /// <summary>
    /// Records <paramref name="value"/> as epoch <paramref name="epoch"/> of the trial and returns the
    /// policy's decision. Epochs come in order; reporting a recorded epoch again with the same value
    /// re-takes its decision (resume after a crash between observation and decision).
    /// </summary>
    /// <exception cref="ArgumentException">The epoch skips ahead, or a recorded epoch arrives with a different value.</exception>
    public async Task<StoppingDecision> DecideAsync(long trialId, int number, int epoch, double value, CancellationToken cancellationToken = default)
    {
        var request = new Request(trialId, number, epoch);
        lock (_gate)
        {
            Append(trialId, number, epoch, value);
            _queue.Add(request);
        }

        await _decider.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!request.Completion.Task.IsCompleted)
            {
                // One yield lets trials whose epochs ended at the same moment queue up first, so
                // simultaneous reports share this call instead of the next one.
                await Task.Yield();
                DecideQueued(cancellationToken);
            }
        }
        finally
        {
            _decider.Release();
        }

        return await request.Completion.Task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _decider.Dispose();

    private void DecideQueued(CancellationToken cancellationToken)
    {
        Request[] batch;
        StoppingContext context;
        lock (_gate)
        {
            batch = [.. _queue];
            _queue.Clear();
            context = new StoppingContext(_metric, _curves.Values.Select(c => c.Snapshot()).ToArray(), _best);
        }

        var byId = context.Curves.ToDictionary(c => c.TrialId);
        var reports = batch.Select(r =>
        {
            var curve = byId[r.TrialId];
            return curve.Epoch == r.Epoch ? curve : curve with { Values = new ArraySegment<double>([.. curve.Values.Take(r.Epoch)]) };
        }).ToArray();
        try
        {
            var decisions = _policy.Decide(context, reports, cancellationToken);
            if (decisions.Count != batch.Length)
            {
                throw new InvalidOperationException($"Policy '{_policy.Name}' returned {decisions.Count} decisions for {batch.Length} reports.");
            }

            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _decisions, batch.Length);
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i].Completion.TrySetResult(decisions[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var r in batch)
            {
                r.Completion.TrySetException(ex);
            }
        }
    }

    private void Append(long trialId, int number, int epoch, double value)
    {
        if (!_curves.TryGetValue(trialId, out var curve))
        {
            curve = new CurveBuffer(trialId, number);
            _curves.Add(trialId, curve);
        }

        if (epoch == curve.Count + 1)
        {
            curve.Add(value);
            _best = _best is { } b ? _metric.Better(b, value) : value;
        }
        else if (epoch < 1 || epoch > curve.Count + 1)
        {
            throw new ArgumentException($"Trial {trialId} reported epoch {epoch} after {curve.Count} epochs; epochs must be consecutive.", nameof(epoch));
        }
        else if (curve[epoch - 1] != value)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Trial {trialId} reported {value} for epoch {epoch}, which already has {curve[epoch - 1]}."), nameof(value));
        }
    }

    private sealed class Request(long trialId, int number, int epoch)
    {
        public long TrialId { get; } = trialId;

        public int Number { get; } = number;

        public int Epoch { get; } = epoch;

        public TaskCompletionSource<StoppingDecision> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
