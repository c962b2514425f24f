namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// A mark on the best-so-far chart: after <see cref="EpochsSpent"/> epochs over all trials, a trial was stopped
/// (<see cref="Action"/> <c>stop</c>: its Stop decision's epoch), <c>complete</c>d (it recorded the final epoch),
/// <c>pause</c>d (a Pause decision's epoch) or <c>resume</c>d (the epoch after a pause). One entry per trial (<see cref="Count"/> 1,
/// with its id, number and last epoch) or, for experiments with many trials, the <see cref="Count"/> of such ends
/// in a span of the axis centred on <see cref="EpochsSpent"/> (id, number and epoch null).
/// </summary>
internal sealed record TrialEndResponse(long EpochsSpent, long? TrialId, int? TrialNumber, int? Epoch, string Action, int Count);
