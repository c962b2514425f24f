using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;

namespace Hpo.Scheduler.AutoMl;

/// <summary>
/// Adds early stopping to any epoch-reporting runner: every epoch the inner runner reports goes to the
/// stopping policy together with the curves of all trials this runner has seen (trials running in
/// parallel share policy calls), and the runner is told to stop when the policy says so. This is what
/// to hand to <c>AutoMLExperiment.SetTrialRunner</c> through a thin adapter (see README.md).
/// </summary>
public sealed class EarlyStoppingTrialRunner : ITrialRunner
{
    private readonly IEpochTrialRunner _inner;
    private readonly StoppingCoordinator _coordinator;
    private readonly MetricSettings _metric;
    private readonly TimeProvider _time;
    private readonly IMonitor? _monitor;
    private readonly Lock _gate = new();
    private TrialResult? _best;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The runner that trains and reports epochs.</param>
    /// <param name="policy">Decides after each epoch.</param>
    /// <param name="metric">Direction, bounds and the epochs of a full trial.</param>
    /// <param name="timeProvider">Timestamps the decisions (system clock by default).</param>
    /// <param name="monitor">Told about running, completed, failed and best trials, if given.</param>
    public EarlyStoppingTrialRunner(IEpochTrialRunner inner, IStoppingPolicy policy, MetricSettings metric, TimeProvider? timeProvider = null, IMonitor? monitor = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(metric);
        _inner = inner;
        _metric = metric.Validated();
        _coordinator = new StoppingCoordinator(policy, _metric);
        _time = timeProvider ?? TimeProvider.System;
        _monitor = monitor;
    }

    /// <summary>Decisions taken so far.</summary>
    public long DecisionCount => _coordinator.DecisionCount;

    /// <summary>Policy calls made so far (fewer than decisions when reports were batched).</summary>
    public long PolicyCallCount => _coordinator.BatchCount;

    /// <summary>The best trial so far (by <see cref="TrialResult.Loss"/>), or null.</summary>
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
    public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _monitor?.ReportRunningTrial(settings);
        var reporter = new Reporter(this, settings.TrialId);
        TrialResult result;
        try
        {
            result = await _inner.RunAsync(settings, reporter, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _monitor?.ReportFailTrial(settings, ex);
            throw;
        }

        if (reporter.StopDecision is { } stop)
        {
            result.StoppedEarly = true;
            result.StopDecision ??= stop;
        }

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

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _inner.Dispose();
        _coordinator.Dispose();
    }

    private sealed class Reporter(EarlyStoppingTrialRunner owner, int trialId) : IEpochReporter
    {
        public DecisionRecord? StopDecision { get; private set; }

        public async Task<EpochDecision> ReportAsync(int epoch, double value, CancellationToken cancellationToken = default)
        {
            if (StopDecision is not null)
            {
                throw new InvalidOperationException($"Trial {trialId} reported epoch {epoch} after it was told to stop at epoch {StopDecision.Epoch}.");
            }

            if (!double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Trial {trialId} reported a non-finite value for epoch {epoch}.");
            }

            var decision = await owner._coordinator.DecideAsync(trialId, trialId, epoch, value, cancellationToken).ConfigureAwait(false);
            var record = decision.ToRecord(trialId, epoch, owner._coordinator.Policy.Name, owner._time.GetUtcNow());
            if (decision.ShouldStop)
            {
                StopDecision = record;
            }

            return new EpochDecision(decision.ShouldStop, record);
        }
    }
}
