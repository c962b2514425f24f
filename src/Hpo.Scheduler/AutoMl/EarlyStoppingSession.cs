using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;

namespace Hpo.Scheduler.AutoMl;

/// <summary>
/// The early-stopping state one experiment's trials share: every trial's curve, the policy that decides
/// on them (reports arriving together share one policy call), the decisions taken and the best result.
/// Create one per experiment and hand it to every <see cref="EarlyStoppingTrialRunner"/>; runners come
/// and go (AutoMLExperiment resolves one per trial and disposes it afterwards) while the session lives on.
/// Thread-safe.
/// </summary>
public sealed class EarlyStoppingSession : IDisposable
{
    private readonly StoppingCoordinator _coordinator;
    private readonly TimeProvider _time;
    private readonly IMonitor? _monitor;
    private readonly Lock _gate = new();
    private readonly List<DecisionRecord> _decisions = [];
    private TrialResult? _best;
    private int _disposed;

    /// <summary>Creates the session of one experiment.</summary>
    /// <param name="policy">Decides after each epoch.</param>
    /// <param name="metric">Direction, bounds and the epochs of a full trial.</param>
    /// <param name="timeProvider">Timestamps the decisions (system clock by default).</param>
    /// <param name="monitor">Told about running, completed, failed and best trials, if given.</param>
    public EarlyStoppingSession(IStoppingPolicy policy, MetricSettings metric, TimeProvider? timeProvider = null, IMonitor? monitor = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(metric);
        Metric = metric.Validated();
        _coordinator = new StoppingCoordinator(policy, Metric);
        _time = timeProvider ?? TimeProvider.System;
        _monitor = monitor;
    }

    /// <summary>Direction, bounds and max epochs of the experiment.</summary>
    public MetricSettings Metric { get; }

    /// <summary>Decisions taken so far.</summary>
    public long DecisionCount => _coordinator.DecisionCount;

    /// <summary>Policy calls made so far (fewer than decisions when reports were batched).</summary>
    public long PolicyCallCount => _coordinator.BatchCount;

    /// <summary>Every decision taken so far, in the order they were taken.</summary>
    public IReadOnlyList<DecisionRecord> Decisions
    {
        get
        {
            lock (_gate)
            {
                return [.. _decisions];
            }
        }
    }

    /// <summary>The best trial so far (by <see cref="TrialResult.Loss"/>), or null; its <see cref="TrialResult.Model"/> is the best model.</summary>
    public TrialResult? BestResult
    {
        get
        {
            lock (_gate)
            {
                return _best;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _coordinator.Dispose();
        }
    }

    internal void ReportRunning(TrialSettings settings)
    {
        ThrowIfDisposed();
        _monitor?.ReportRunningTrial(settings);
    }

    internal void ReportFailed(TrialSettings settings, Exception exception) => _monitor?.ReportFailTrial(settings, exception);

    internal void ReportCompleted(TrialResult result)
    {
        _monitor?.ReportCompletedTrial(result);
        bool isBest;
        lock (_gate)
        {
            isBest = _best is null || result.Loss < _best.Loss;
            if (isBest)
            {
                _best = result;
            }
        }

        if (isBest)
        {
            _monitor?.ReportBestTrial(result);
        }
    }

    internal async Task<EpochDecision> DecideAsync(int trialId, int epoch, double value, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();

        // The trial id doubles as the trial number policies see (Hyperband's bracket); AutoML numbers from 0.
        var decision = await _coordinator.DecideAsync(trialId, trialId, epoch, value, cancellationToken).ConfigureAwait(false);
        var record = decision.ToRecord(trialId, epoch, _coordinator.Policy.Name, _time.GetUtcNow());
        lock (_gate)
        {
            _decisions.Add(record);
        }

        // AutoML's trial model has no pause: a trial runs once and reports one result, and the tuner never hands a
        // configuration back to continue it. So a pausing policy's Pause ends the AutoML trial here, and its result (the
        // curve so far, StoppedEarly, the Pause decision) goes to AutoML like a stop; the slot half of the policy
        // (ISlotPolicy) is not consulted, as AutoML itself chooses what the next trial runs.
        return new EpochDecision(decision.ShouldStop || decision.ShouldPause, record);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
