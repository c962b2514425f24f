namespace Hpo.Scheduler.Experiments;

/// <summary>
/// What one runner does around each epoch of <see cref="TrialEpochLoop"/>: the in-process run, the fleet's
/// <see cref="TrialExecutor"/> and the AutoML runner each supply their own budget, record and decide steps.
/// </summary>
/// <param name="BudgetSpent">Before an epoch: the reason a budget is spent (the trial stops), or null to train it.</param>
/// <param name="RecordAsync">After an epoch: records the value and returns the value as recorded (the fleet's executor only keeps it here and writes it with its decision).</param>
/// <param name="DecideAsync">After recording: decides (and records the decision); Stop ends the trial, Pause ends this slice of it (a pausing policy).</param>
/// <param name="WorkloadFailuresEndTheTrial">
/// True: an exception from the workload or a non-finite value ends the loop as <see cref="TrialEpochEnd.Failed"/>
/// (the stored runs record a failed trial); false: the exception propagates and the value goes to the steps as it is
/// (the AutoML runner, whose reporter refuses non-finite values).
/// </param>
internal sealed record TrialEpochSteps(
    Func<string?> BudgetSpent,
    Func<int, double, CancellationToken, Task<double>> RecordAsync,
    Func<int, double, CancellationToken, Task<Persistence.DecisionAction>> DecideAsync,
    bool WorkloadFailuresEndTheTrial);
