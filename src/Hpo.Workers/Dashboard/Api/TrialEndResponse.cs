namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// Where trials' training ended on the best-so-far chart: after <see cref="EpochsSpent"/> epochs over all trials,
/// with <see cref="Action"/> <c>stop</c> (stopped early) or <c>complete</c>. One entry per trial (<see cref="Count"/> 1,
/// with its id, number and last epoch) or, for experiments with many trials, the <see cref="Count"/> of such ends
/// in a span of the axis centred on <see cref="EpochsSpent"/> (id, number and epoch null).
/// </summary>
internal sealed record TrialEndResponse(long EpochsSpent, long? TrialId, int? TrialNumber, int? Epoch, string Action, int Count);
