using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// What an experiment's early stopping achieved. <see cref="EpochsSaved"/> sums, over stopped trials,
/// the epochs they would still have trained (MaxEpochs − LastEpoch); <see cref="EpochsSavedPercent"/> is
/// that as a share of the epochs that would have been trained without early stopping (spent + saved).
/// <see cref="BestSoFar"/> steps each time the best value improved, in the order epochs were recorded,
/// and ends at the epochs spent so far. <see cref="TrialEnds"/> marks, on the same axis, where trials were stopped,
/// completed, paused and resumed.
/// </summary>
internal sealed record ExperimentSummaryResponse(
    long ExperimentId,
    MetricDirection Direction,
    int MaxEpochs,
    double? BestValue,
    long? BestTrialId,
    int? BestTrialNumber,
    TrialCountsResponse Trials,
    long EpochsSpent,
    long EpochsSaved,
    double EpochsSavedPercent,
    IReadOnlyList<BestSoFarPointResponse> BestSoFar,
    IReadOnlyList<TrialEndResponse> TrialEnds);
