namespace Hpo.Workers.Jobs;

/// <summary>
/// Who claims the trial a slot's advance creates for the slot itself (<see cref="ExperimentAdvancer"/>): the trial is then
/// created already claimed, and the slot runs it without a claim of its own.
/// </summary>
/// <param name="WorkerId">The slot's worker.</param>
/// <param name="LeaseDuration">The worker's lease duration.</param>
public sealed record SlotClaim(string WorkerId, TimeSpan LeaseDuration);
