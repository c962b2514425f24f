namespace Hpo.Scheduler.Stopping;

/// <summary>
/// The second half of a pausing policy (freeze-thaw, ASHA with promotion): whenever a slot is free, it chooses
/// between starting a new configuration and resuming a paused trial, and may end paused trials for good. An
/// <see cref="IStoppingPolicy"/> that also implements this interface may answer <see cref="StoppingDecision.Pause"/>;
/// every place that runs trials (the in-process experiment loop, the fleet, the AutoML-shaped runner, the
/// benchmark simulation) asks it the same question, so one policy decides alike everywhere.
/// </summary>
/// <remarks>Like stopping policies, a slot policy is a deterministic function of its inputs (no hidden state).</remarks>
public interface ISlotPolicy
{
    /// <summary>Chooses what a free slot does next.</summary>
    /// <param name="context">The experiment: settings, every trial's curve so far (paused ones included) and the best value.</param>
    /// <param name="paused">The paused trials' curves (each also in <paramref name="context"/>), in trial-number order.</param>
    /// <param name="canStartNew">Whether a new configuration may still be started (false once the tuner or the trial budget is exhausted).</param>
    /// <param name="cancellationToken">Cancels a long model call.</param>
    SlotChoice ChooseSlot(StoppingContext context, IReadOnlyList<TrialCurve> paused, bool canStartNew, CancellationToken cancellationToken = default);
}
