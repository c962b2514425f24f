namespace Hpo.Scheduler.Stopping.LcPfn;

/// <summary>Which future epochs the LC-PFN stopping rule asks the model about.</summary>
public enum LcPfnHorizon
{
    /// <summary>
    /// Spec §6 (the default): stop when P(y_T &gt; y_best) &lt; δ for the final epoch T. One predicted
    /// position per trial, so a decision costs about half the forward pass of <see cref="AnyRemainingEpoch"/>.
    /// </summary>
    FinalEpoch,

    /// <summary>
    /// The more cautious variant: stop only when max over every remaining epoch t' of
    /// P(y_t' &gt; y_best) &lt; δ, which keeps a trial whose curve may peak above the best before it
    /// declines (over-fitting). Costs one predicted position per remaining epoch.
    /// </summary>
    AnyRemainingEpoch,
}
