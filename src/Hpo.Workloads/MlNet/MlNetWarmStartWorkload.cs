using Hpo.Scheduler.SearchSpaces;
using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// What every ML.NET warm-start workload shares: a lazily loaded, stratified and standardised split of its
/// dataset, validation accuracy as the metric, and starting a run that replays the epochs a resumed trial
/// already has (each is one cheap warm-started <c>Fit</c>, so replaying continues the curve exactly).
/// </summary>
/// <typeparam name="THyperparameters">The learner's typed hyperparameters.</typeparam>
public abstract class MlNetWarmStartWorkload<THyperparameters> : IWorkload
{
    /// <summary>The metric each epoch reports.</summary>
    public const string Metric = "val_accuracy";

    private readonly Lazy<DatasetSplit> _split;

    /// <summary>Creates the workload; <paramref name="load"/> reads the dataset on the first start.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    private protected MlNetWarmStartWorkload(DatasetSplitOptions? options, Func<string?, TabularDataset> load)
    {
        var data = options ?? new DatasetSplitOptions();
        data.Validate();

        // PublicationOnly: a missing file is reported on every start instead of being cached as a failure.
        _split = new Lazy<DatasetSplit>(
            () => DatasetSplit.Stratified(load(data.DatasetPath), data.ValidationFraction, data.SplitSeed).Standardized(),
            LazyThreadSafetyMode.PublicationOnly);
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public string MetricName => Metric;

    /// <inheritdoc />
    public bool HigherIsBetter => true;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A hyperparameter is unknown or invalid; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The dataset file is missing.</exception>
    public async Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(resumeAfterEpoch);
        var hyperparameters = ParseHyperparameters(parameters);
        var run = await Task.Run(() => CreateRun(_split.Value, hyperparameters, seed), cancellationToken).ConfigureAwait(false);
        try
        {
            await run.ReplayAsync(resumeAfterEpoch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return run;
    }

    /// <summary>Reads and validates the learner's hyperparameters.</summary>
    private protected abstract THyperparameters ParseHyperparameters(TrialParameters parameters);

    /// <summary>Creates an untrained run of the learner on <paramref name="split"/>.</summary>
    private protected abstract EpochRun CreateRun(DatasetSplit split, THyperparameters hyperparameters, int seed);
}
