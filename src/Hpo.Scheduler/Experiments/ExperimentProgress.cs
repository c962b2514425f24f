using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Experiments;

/// <summary>A snapshot of a running experiment, reported after every decision batch and trial end (for live progress).</summary>
/// <param name="ExperimentId">The experiment.</param>
/// <param name="Running">Trials training now.</param>
/// <param name="Completed">Trials that trained to the last epoch.</param>
/// <param name="Stopped">Trials stopped early.</param>
/// <param name="Failed">Trials that failed.</param>
/// <param name="EpochsUsed">Epochs trained over all trials so far.</param>
/// <param name="BestValue">The best value observed so far (direction-aware), or null.</param>
/// <param name="BestTrialNumber">The number of the trial that observed it.</param>
/// <param name="Elapsed">Wall time of this run so far.</param>
/// <param name="LastDecision">The decision that triggered this report, if one did.</param>
/// <param name="LastTrialNumber">The number of the trial that decision or event was about.</param>
public sealed record ExperimentProgress(
    long ExperimentId,
    int Running,
    int Completed,
    int Stopped,
    int Failed,
    long EpochsUsed,
    double? BestValue,
    int? BestTrialNumber,
    TimeSpan Elapsed,
    DecisionRecord? LastDecision,
    int? LastTrialNumber);
