using System.Globalization;
using Hpo.Scheduler.Workloads;

namespace Hpo.Scheduler.Experiments;

/// <summary>
/// The one trial-epoch loop: train an epoch, record the observation, decide, record the decision, stop, pause or continue.
/// The in-process run (<see cref="ExperimentRunner"/>), the fleet's <see cref="TrialExecutor"/> and the AutoML runner
/// (<see cref="AutoMl.WorkloadTrialRunner"/>) all train through it; what differs between them (budgets, where values
/// and decisions are recorded, how a failure is handled) comes in as <see cref="TrialEpochSteps"/>.
/// </summary>
internal static class TrialEpochLoop
{
    /// <summary>Trains epochs <paramref name="firstEpoch"/>..<paramref name="lastEpoch"/> of <paramref name="run"/> until one of the ends.</summary>
    public static async Task<TrialEpochOutcome> RunAsync(IWorkloadRun run, int firstEpoch, int lastEpoch, TrialEpochSteps steps, CancellationToken cancellationToken)
    {
        for (int epoch = firstEpoch; epoch <= lastEpoch; epoch++)
        {
            if (steps.BudgetSpent() is { } spent)
            {
                return new TrialEpochOutcome(TrialEpochEnd.StoppedByBudget, spent);
            }

            double value;
            try
            {
                value = await run.TrainEpochAsync(epoch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (steps.WorkloadFailuresEndTheTrial && ex is not OperationCanceledException)
            {
                return new TrialEpochOutcome(TrialEpochEnd.Failed, $"epoch {epoch}: {ex.GetType().Name}: {ex.Message}");
            }

            if (steps.WorkloadFailuresEndTheTrial && !double.IsFinite(value))
            {
                return new TrialEpochOutcome(TrialEpochEnd.Failed, string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}: the workload reported {value}"));
            }

            value = await steps.RecordAsync(epoch, value, cancellationToken).ConfigureAwait(false);
            switch (await steps.DecideAsync(epoch, value, cancellationToken).ConfigureAwait(false))
            {
                case Persistence.DecisionAction.Stop:
                    return new TrialEpochOutcome(TrialEpochEnd.StoppedByPolicy, null);
                case Persistence.DecisionAction.Pause:
                    // The run stays alive: the caller writes its checkpoint (TrialCheckpoints.PauseAsync) before disposing it.
                    return new TrialEpochOutcome(TrialEpochEnd.PausedByPolicy, null);
            }
        }

        return new TrialEpochOutcome(TrialEpochEnd.Completed, null);
    }
}
