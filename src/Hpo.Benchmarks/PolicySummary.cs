namespace Hpo.Benchmarks;

/// <summary>One policy over all tasks (speed-ups that were not reached count with their lower bound).</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="GeometricMeanSpeedUp">Geometric mean of the per-task speed-ups.</param>
/// <param name="MeanSpeedUp">Arithmetic mean of the per-task speed-ups.</param>
/// <param name="MedianSpeedUp">Median of the per-task speed-ups.</param>
/// <param name="TasksAtLeast2x">Tasks with a speed-up of at least 2.</param>
/// <param name="TasksNotReached">Tasks where the policy never reached no stopping's final regret.</param>
/// <param name="TasksWorseFinalRegret">Tasks where the policy's final mean regret is worse than no stopping's.</param>
/// <param name="MeanFinalRegret">Final mean regret averaged over tasks.</param>
/// <param name="MeanArea">Normalised area under the regret curve averaged over tasks.</param>
/// <param name="MeanRegretAt25">Regret after 25% of the budget averaged over tasks.</param>
/// <param name="MeanRegretAt50">Regret after 50% of the budget averaged over tasks.</param>
/// <param name="MeanTrialsStarted">Configurations started per ordering averaged over tasks.</param>
/// <param name="Tasks">The number of tasks.</param>
/// <param name="MeanPauses">Pauses per ordering averaged over tasks.</param>
/// <param name="MeanResumes">Resumptions per ordering averaged over tasks.</param>
/// <param name="MeanStoppedForGood">Paused trials ended for good per ordering averaged over tasks.</param>
public sealed record PolicySummary(
    string Policy,
    double GeometricMeanSpeedUp,
    double MeanSpeedUp,
    double MedianSpeedUp,
    int TasksAtLeast2x,
    int TasksNotReached,
    int TasksWorseFinalRegret,
    double MeanFinalRegret,
    double MeanArea,
    double MeanRegretAt25,
    double MeanRegretAt50,
    double MeanTrialsStarted,
    int Tasks,
    double MeanPauses = 0,
    double MeanResumes = 0,
    double MeanStoppedForGood = 0);
