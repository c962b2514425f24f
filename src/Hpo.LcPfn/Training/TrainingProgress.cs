namespace Hpo.LcPfn.Training;

/// <summary>A snapshot of a running training, reported after every step.</summary>
/// <param name="Step">Steps completed (1-based count).</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">Mean negative log-density over the query positions of this step's batch.</param>
/// <param name="LearningRate">Learning rate used for this step.</param>
/// <param name="CurvesPerSecond">Training throughput since this run (or resume) started, prior sampling included.</param>
/// <param name="SecondsPerStep">Wall seconds per step since this run (or resume) started.</param>
/// <param name="Elapsed">Wall time since this run (or resume) started.</param>
/// <param name="Remaining">Estimated time to finish.</param>
/// <param name="CheckpointPath">Set on the step after which a checkpoint was written.</param>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    double Loss,
    double LearningRate,
    double CurvesPerSecond,
    double SecondsPerStep,
    TimeSpan Elapsed,
    TimeSpan Remaining,
    string? CheckpointPath);
