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
    /// Ranks each paused trial by the fraction of every started trial that is known to be better at the paused trial's
    /// epoch (trials that never reached that epoch count as not better), resumes the best-ranked one when that fraction
    /// is at most 1 − <see cref="FreezeThawOptions.ResumeQuantile"/>, and starts a new configuration otherwise (explore
    /// broadly, resume few). The δ rule still ends paused trials for good. JSON <c>"rank"</c>.
    /// </summary>
    Rank,

    /// <summary>
    /// Hyperparameter-aware: predicts each paused trial's best value to come as its value now plus the mean gain after
    /// that epoch of the <see cref="FreezeThawOptions.Neighbors"/> nearest configurations (normalised, log-scaled where
    /// a parameter spans a decade) among the trials that ran well past it, and resumes the highest prediction when it
    /// beats the best so far; starts a new configuration otherwise. Falls back to <see cref="Rank"/> while too few
    /// trials ran far or the configurations are unknown. JSON <c>"neighbors"</c>.
    /// </summary>
    Neighbors,

    /// <summary>
    /// Hyperparameter-aware: scores each paused trial by the best value any of its
    /// <see cref="FreezeThawOptions.Neighbors"/> nearest configurations (normalised, log-scaled where a parameter spans a
    /// decade; among the trials that reached its epoch) has observed, minus the best so far (model space), plus
    /// <see cref="FreezeThawOptions.SimilarWeight"/> × its P(y_T &gt; y_best); resumes the highest score when it is at least
    /// <see cref="FreezeThawOptions.ResumeMargin"/>, and starts a new configuration otherwise (a paused trial near the
    /// configurations that did best is the one likely to beat them). Falls back to <see cref="Population"/> when
    /// configurations are unknown. JSON <c>"similar"</c>.
    /// </summary>
    Similar,
}
