namespace Hpo.Scheduler.Persistence;

/// <summary>A paused trial's saved state (<see cref="IExperimentStore.PauseTrialAsync"/>).</summary>
/// <param name="TrialId">The trial.</param>
/// <param name="Epoch">The last epoch trained before it was written; a resumed run trains <c>Epoch + 1</c> next.</param>
/// <param name="Data">The bytes the workload wrote (<see cref="Workloads.IResumableWorkloadRun.SaveCheckpointAsync"/>).</param>
/// <param name="SavedAt">When the pause committed.</param>
public sealed record TrialCheckpoint(long TrialId, int Epoch, byte[] Data, DateTimeOffset SavedAt);
