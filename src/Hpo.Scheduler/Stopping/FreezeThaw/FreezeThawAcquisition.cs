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
}
