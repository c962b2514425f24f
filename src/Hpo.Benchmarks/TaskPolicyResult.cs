namespace Hpo.Benchmarks;

/// <summary>One policy on one task, over all orderings.</summary>
/// <param name="TaskId">The OpenML task.</param>
/// <param name="Policy">The policy's name.</param>
/// <param name="MeanRegret">The mean regret curve over orderings (index e − 1: after e epochs spent).</param>
/// <param name="SpeedUp">The speed-up over no stopping.</param>
/// <param name="FinalRegret">Mean regret at the end of the budget.</param>
/// <param name="Area">Area under the mean regret curve normalised by the budget.</param>
/// <param name="RegretAt25">Mean regret after 25% of the budget.</param>
/// <param name="RegretAt50">Mean regret after 50% of the budget.</param>
/// <param name="MeanTrialsStarted">Configurations started per ordering, averaged.</param>
/// <param name="PoolExhausted">Orderings whose pool ran out before the budget.</param>
/// <param name="MeanPauses">Pauses per ordering, averaged (pausing policies; a trial may pause several times).</param>
/// <param name="MeanResumes">Resumptions of paused trials per ordering, averaged.</param>
/// <param name="MeanStoppedForGood">Paused trials ended for good by the slot policy per ordering, averaged.</param>
public sealed record TaskPolicyResult(
    string TaskId,
    string Policy,
    double[] MeanRegret,
    SpeedUp SpeedUp,
    double FinalRegret,
    double Area,
    double RegretAt25,
    double RegretAt50,
    double MeanTrialsStarted,
    int PoolExhausted,
    double MeanPauses = 0,
    double MeanResumes = 0,
    double MeanStoppedForGood = 0);
