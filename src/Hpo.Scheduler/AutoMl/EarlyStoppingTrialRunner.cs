using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.AutoMl;

/// <summary>
/// Adds early stopping to any epoch-reporting runner: every epoch the inner runner reports goes to the
/// experiment's <see cref="EarlyStoppingSession"/>, whose policy sees the curves of all the experiment's
/// trials, and the runner is told to stop when the policy says so. The runner keeps no state of its own,
/// so it may be created per trial and disposed after it (what AutoMLExperiment does with the runner it
/// resolves); see examples/automl for the AutoML adapter.
/// </summary>
public sealed class EarlyStoppingTrialRunner : ITrialRunner
{
    private readonly IEpochTrialRunner _inner;
    private readonly EarlyStoppingSession _session;

    /// <summary>Wraps <paramref name="inner"/>; neither argument is owned (disposing the runner disposes neither).</summary>
    /// <param name="inner">The runner that trains and reports epochs.</param>
    /// <param name="session">The experiment's shared early-stopping state.</param>
    public EarlyStoppingTrialRunner(IEpochTrialRunner inner, EarlyStoppingSession session)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(session);
        _inner = inner;
        _session = session;
    }

    /// <summary>The shared state this runner reports to.</summary>
    public EarlyStoppingSession Session => _session;

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The session has been disposed.</exception>
    public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _session.ReportRunning(settings);
        var reporter = new Reporter(_session, settings.TrialId);
        TrialResult result;
        try
        {
            result = await _inner.RunAsync(settings, reporter, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A cancelled trial is a failed trial too (AutoML reports it as one); the exception still propagates.
            _session.ReportFailed(settings, ex);
            throw;
        }

        if (reporter.StopDecision is { } stop)
        {
            result.StoppedEarly = true;
            result.StopDecision ??= stop;
        }

        _session.ReportCompleted(result);
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Deliberately empty: AutoMLExperiment disposes the runner after every trial, even a runner registered
        // as a singleton that will run the next trial; the shared state lives in the session, owned by its creator.
    }

    private sealed class Reporter(EarlyStoppingSession session, int trialId) : IEpochReporter
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

            var decision = await session.DecideAsync(trialId, epoch, value, cancellationToken).ConfigureAwait(false);
            if (decision.ShouldStop)
            {
                StopDecision = decision.Decision;
            }

            return decision;
        }
    }
}
