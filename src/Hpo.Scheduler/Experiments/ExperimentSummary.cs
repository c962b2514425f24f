using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Experiments;

/// <summary>What an experiment achieved and what early stopping saved.</summary>
/// <param name="ExperimentId">The experiment.</param>
/// <param name="Name">Its name.</param>
/// <param name="Status">Its status when the summary was taken.</param>
/// <param name="Trials">Trials created.</param>
/// <param name="Completed">Trials trained to the last epoch.</param>
/// <param name="StoppedEarly">Trials ended before their last epoch (by the policy or the budget).</param>
/// <param name="Failed">Trials that failed.</param>
/// <param name="BestTrialNumber">The trial with the best value, or null when nothing was observed.</param>
/// <param name="BestParameters">Its configuration.</param>
/// <param name="BestValue">The best value observed by any trial at any epoch.</param>
/// <param name="EpochsUsed">Epochs trained over all trials.</param>
/// <param name="EpochsWithoutStopping">Epochs the same trials would have trained had none been stopped (stopped trials counted at the experiment's max epochs).</param>
/// <param name="WallTime">Wall time of the run that produced the summary.</param>
public sealed record ExperimentSummary(
    long ExperimentId,
    string Name,
    ExperimentStatus Status,
    int Trials,
    int Completed,
    int StoppedEarly,
    int Failed,
    int? BestTrialNumber,
    TrialParameters? BestParameters,
    double? BestValue,
    long EpochsUsed,
    long EpochsWithoutStopping,
    TimeSpan WallTime)
{
    /// <summary>EpochsWithoutStopping ÷ EpochsUsed: how many times fewer epochs early stopping needed (1 when nothing was trained).</summary>
    public double EpochSpeedup => EpochsUsed == 0 ? 1 : (double)EpochsWithoutStopping / EpochsUsed;

    /// <summary>
    /// The file this run saved the best model to (<see cref="ExperimentOptions.BestModelPath"/> plus the run's
    /// extension), when this run trained the trial that reached <see cref="BestValue"/>; null otherwise (saving off,
    /// a workload without models, or the best value reached in an earlier run).
    /// </summary>
    public string? BestModelPath { get; init; }

    /// <summary>The trial whose model <see cref="BestModelPath"/> holds (it reached <see cref="BestValue"/>; on ties, the first to reach it in this run).</summary>
    public int? BestModelTrialNumber { get; init; }

    /// <summary>Summarises the experiment <paramref name="experimentId"/> from the store.</summary>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    public static async Task<ExperimentSummary> FromStoreAsync(IExperimentStore store, long experimentId, TimeSpan wallTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var experiment = await store.GetExperimentAsync(experimentId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"Experiment {experimentId} does not exist.");
        var trials = await ExperimentRunner.ListAllTrialsAsync(store, experimentId, cancellationToken).ConfigureAwait(false);
        var spec = experiment.Spec;
        bool maximize = spec.Direction == MetricDirection.Maximize;
        TrialRecord? best = null;
        foreach (var t in trials.Where(t => t.BestValue is not null))
        {
            if (best is null || (maximize ? t.BestValue > best.BestValue : t.BestValue < best.BestValue))
            {
                best = t;
            }
        }

        return new ExperimentSummary(
            experimentId,
            spec.Name,
            experiment.Status,
            trials.Count,
            trials.Count(t => t.Status == TrialStatus.Completed),
            trials.Count(t => t.Status == TrialStatus.Stopped),
            trials.Count(t => t.Status == TrialStatus.Failed),
            best?.Number,
            best is null ? null : TrialParameters.FromJson(best.ParametersJson),
            best?.BestValue,
            trials.Sum(t => (long)t.LastEpoch),
            trials.Sum(t => t.Status == TrialStatus.Stopped ? (long)spec.MaxEpochs : t.LastEpoch),
            wallTime);
    }
}
