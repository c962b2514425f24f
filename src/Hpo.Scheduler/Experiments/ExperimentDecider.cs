using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;

namespace Hpo.Scheduler.Experiments;

/// <summary>
/// A worker's view of one experiment for deciding: every trial's curve, kept in memory and brought up to date from
/// the store before each decision by reading only the observations committed since the last read
/// (<see cref="IExperimentStore.ReadObservationChangesAsync"/>), so a decision costs the same at any experiment size.
/// Trials of this worker that report while a decision is being taken are decided together in the next single
/// policy call (one read, one LC-PFN forward pass), as <see cref="StoppingCoordinator"/> does in process.
/// </summary>
/// <remarks>
/// Staleness: the read happens after a report is queued and before its decision, so a decision sees every
/// observation another worker committed before the decision began; one committed while the read runs is seen by
/// the next decision. The fleet's executor commits an epoch's value with its decision, so another worker's value is
/// seen once that worker has decided it. A batch whose every report is below the policy's
/// <see cref="IMinEpochsPolicy.MinEpochs"/> is answered Continue without the read (nothing it could read changes that
/// answer) unless <c>readForEveryDecision</c> is set, which an experiment with an epoch budget needs: the epochs
/// trained that a decision returns then come from a read as well. Only the consecutive prefix of a curve is a curve the policies read (a gap, a lost write,
/// ends it until it is filled), as when the whole experiment was loaded.
/// </remarks>
internal sealed class ExperimentDecider : IDisposable
{
    private readonly long _experimentId;
    private readonly bool _readForEveryDecision;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, TrialState> _trials = [];
    private readonly List<Request> _queue = [];
    private readonly SemaphoreSlim _decider = new(1, 1);
    private ObservationCursor? _cursor;
    private double? _best;
    private (double Min, double Max)? _range;
    private long _epochs;

    /// <param name="experimentId">The experiment.</param>
    /// <param name="metric">Its metric.</param>
    /// <param name="policy">Its stopping policy.</param>
    /// <param name="readForEveryDecision">Read what changed before every batch, even one the policy answers without it (the epochs trained must be current: an epoch budget).</param>
    public ExperimentDecider(long experimentId, MetricSettings metric, IStoppingPolicy policy, bool readForEveryDecision = false)
    {
        _experimentId = experimentId;
        _readForEveryDecision = readForEveryDecision;
        Metric = metric;
        Policy = policy;
    }

    public MetricSettings Metric { get; }

    public IStoppingPolicy Policy { get; }

    /// <summary>Whether this worker's model is known to be the one bound to the experiment.</summary>
    public bool ModelBound { get; set; }

    /// <summary>How many reads of the store and policy calls were made (each decides one batch).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>How many of those batches were decided without a read (every report below the policy's minimum epochs).</summary>
    public long UnreadBatches => Interlocked.Read(ref _unread);

    private long _batches;
    private long _unread;

    /// <summary>
    /// Decides <paramref name="report"/> (the trial's whole curve so far, as this worker recorded it) with the
    /// experiment as stored, returning the decision and the epochs the experiment has trained (for the epoch budget).
    /// </summary>
    public async Task<(StoppingDecision Decision, long TotalEpochs)> DecideAsync(IExperimentStore store, TrialCurve report, CancellationToken cancellationToken)
    {
        var request = new Request(report);
        lock (_gate)
        {
            _queue.Add(request);
        }

        while (true)
        {
            await _decider.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!request.Completion.Task.IsCompleted)
                {
                    // One yield lets trials whose epochs ended at the same moment queue up first and share this call.
                    await Task.Yield();
                    await DecideQueuedAsync(store, request, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _decider.Release();
            }

            if (request.Completion.Task.IsCompleted)
            {
                return await request.Completion.Task.ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _decider.Dispose();

    private async Task DecideQueuedAsync(IExperimentStore store, Request own, CancellationToken cancellationToken)
    {
        Request[] batch;
        lock (_gate)
        {
            batch = [.. _queue];
            _queue.Clear();
        }

        try
        {
            // The first epochs of a trial under lcpfn (minEpochs 2: nearly half of a fleet's reports) need no read.
            bool read = _readForEveryDecision || Policy is not IMinEpochsPolicy gated || batch.Any(r => r.Report.Epoch >= gated.MinEpochs);
            var changes = read ? await store.ReadObservationChangesAsync(_experimentId, _cursor, cancellationToken).ConfigureAwait(false) : null;
            StoppingContext context;
            DeferredCurveList curves;
            long epochs;
            lock (_gate)
            {
                if (changes is not null)
                {
                    foreach (var change in changes.Observations)
                    {
                        Apply(change);
                    }

                    _cursor = changes.Next;
                }
                else
                {
                    Interlocked.Increment(ref _unread);
                }

                (context, curves, epochs) = Context(batch);
            }

            var reports = batch.Select(r => r.Report).ToArray();
            IReadOnlyList<StoppingDecision> decisions;
            try
            {
                decisions = Policy.Decide(context, reports, cancellationToken);
            }
            finally
            {
                // The next batch moves the curves on; a context kept by the policy must not build its list from them.
                curves.Close();
            }

            if (decisions.Count != batch.Length)
            {
                throw new InvalidOperationException($"Policy '{Policy.Name}' returned {decisions.Count} decisions for {batch.Length} reports.");
            }

            Interlocked.Increment(ref _batches);
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i].Completion.TrySetResult((decisions[i], epochs));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled by the trial that happened to run the batch: the others go back to the queue for the next one.
            own.Completion.TrySetCanceled(cancellationToken);
            lock (_gate)
            {
                _queue.InsertRange(0, batch.Where(r => r != own));
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

    private (StoppingContext Context, DeferredCurveList Curves, long Epochs) Context(Request[] batch)
    {
        var reported = new Dictionary<long, TrialCurve>();
        foreach (var r in batch)
        {
            reported[r.Report.TrialId] = r.Report;
        }

        // Best value, range and epochs are kept up to date as values arrive, so a policy that needs only them (the
        // LC-PFN) decides in time independent of the experiment's size; the list of every curve is built only if the
        // policy reads it (median, percentile, ASHA), while this batch holds the decider, so no Apply runs meanwhile.
        double? best = _best;
        var range = _range;
        long epochs = _epochs;
        foreach (var report in reported.Values)
        {
            if (report.Epoch == 0)
            {
                continue;
            }

            epochs += report.Epoch - (_trials.TryGetValue(report.TrialId, out var stored) ? stored.Curve.Count : 0);
            foreach (double v in report.Values)
            {
                best = best is { } b ? Metric.Better(b, v) : v;
                range = Widen(range, v);
            }
        }

        var curves = new DeferredCurveList(() =>
        {
            // The policy must see each reporting trial exactly as it is deciding it, whatever the store returned.
            var list = new List<TrialCurve>(_trials.Count + reported.Count);
            foreach (var (id, state) in _trials)
            {
                if (!reported.ContainsKey(id) && state.Curve.Count > 0)
                {
                    list.Add(state.Curve.Snapshot());
                }
            }

            list.AddRange(reported.Values.Where(r => r.Epoch > 0));
            return list;
        });
        return (new StoppingContext(Metric, curves, best, range), curves, epochs);
    }

    private static (double Min, double Max)? Widen((double Min, double Max)? range, double value) =>
        !double.IsFinite(value) ? range
        : range is var (min, max) ? (Math.Min(min, value), Math.Max(max, value))
        : (value, value);

    private void Apply(ObservationChange change)
    {
        if (!_trials.TryGetValue(change.TrialId, out var state))
        {
            state = new TrialState(new CurveBuffer(change.TrialId, change.TrialNumber));
            _trials.Add(change.TrialId, state);
        }

        if (change.Epoch <= state.Curve.Count)
        {
            return;
        }

        state.Ahead[change.Epoch] = change.Value;
        while (state.Ahead.Remove(state.Curve.Count + 1, out double value))
        {
            state.Curve.Add(value);
            _epochs++;
            _best = _best is { } b ? Metric.Better(b, value) : value;
            _range = Widen(_range, value);
        }
    }

    private sealed class TrialState(CurveBuffer curve)
    {
        public CurveBuffer Curve { get; } = curve;

        // Epochs read beyond a gap, kept until the gap is filled.
        public Dictionary<int, double> Ahead { get; } = [];
    }

    private sealed class Request(TrialCurve report)
    {
        public TrialCurve Report { get; } = report;

        public TaskCompletionSource<(StoppingDecision Decision, long TotalEpochs)> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
