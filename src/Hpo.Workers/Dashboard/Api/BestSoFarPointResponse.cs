namespace Hpo.Workers.Dashboard.Api;

/// <summary>The best value after <see cref="EpochsSpent"/> epochs had been trained over all trials, and the trial that held it.</summary>
internal sealed record BestSoFarPointResponse(long EpochsSpent, double Value, long TrialId, int TrialNumber);
