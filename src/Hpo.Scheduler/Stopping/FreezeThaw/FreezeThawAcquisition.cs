namespace Hpo.Scheduler.Stopping.FreezeThaw;

/// <summary>
/// How <see cref="FreezeThawStoppingPolicy"/> chooses, at a free slot, between the most promising paused trial and a
/// new configuration (the Scheduler README's "Freeze-thaw: the acquisition" compares them on LCBench).
/// </summary>
public enum FreezeThawAcquisition
{
    /// <summary>
    /// Resume the paused trial with the highest P(y_T &gt; y_best) when that probability is at least
    /// <see cref="FreezeThawOptions.ResumeThreshold"/>; otherwise start a new configuration. JSON <c>"threshold"</c>.
    /// </summary>
    Threshold,

    /// <summary>
    /// Resume the paused trial with the highest P(y_T &gt; y_best) when that probability is at least
    /// <see cref="FreezeThawOptions.PopulationFactor"/> times a new configuration's, estimated as the mean of that
    /// probability over every trial started so far (finished ones count 0). JSON <c>"population"</c>.
    /// </summary>
    Population,

    /// <summary>
    /// As <see cref="Population"/> with the expected improvement E[max(y_T − y_best, 0)] in place of the
    /// probability. JSON <c>"ei"</c>.
    /// </summary>
    ExpectedImprovement,

    /// <summary>
    /// Thompson sampling: draw one final value from the predictive distribution of every paused trial that may still
    /// beat the best, and one for a new configuration (from the curve of a started trial drawn at random: its final
    /// value if it finished, else a draw from its predictive distribution); resume the paused trial whose draw is the
    /// highest unless the new configuration's draw beats it. The draws are seeded by the experiment's state, so the
    /// choice is reproducible. JSON <c>"thompson"</c>.
    /// </summary>
    Thompson,
}
