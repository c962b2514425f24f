namespace Hpo.Scheduler.Experiments;

/// <summary>The end of <see cref="TrialEpochLoop.RunAsync"/>: how, and the budget's reason or the failure's message.</summary>
internal readonly record struct TrialEpochOutcome(TrialEpochEnd End, string? Detail);
