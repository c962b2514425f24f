namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// Where a trial's training ended on the best-so-far chart: after <see cref="EpochsSpent"/> epochs over all trials,
/// at its epoch <see cref="Epoch"/>, with <see cref="Action"/> <c>stop</c> (stopped early) or <c>complete</c>.
/// </summary>
internal sealed record TrialEndResponse(long EpochsSpent, long TrialId, int TrialNumber, int Epoch, string Action);
