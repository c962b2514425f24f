using Hpo.Scheduler.SearchSpaces;
using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// What every ML.NET warm-start workload shares: a lazily loaded, stratified and standardised split of its
/// dataset, validation accuracy as the metric, and runs that continue a trial either by replaying the epochs it
/// already has (each is one cheap warm-started <c>Fit</c>, so replaying continues the curve exactly) or, for a
/// paused trial, from its checkpoint (the last fitted model; <see cref="MlNetWarmStartRun{TModel}"/>).
/// </summary>
/// <typeparam name="THyperparameters">The learner's typed hyperparameters.</typeparam>
public abstract class MlNetWarmStartWorkload<THyperparameters> : IResumableWorkload
{
    /// <summary>The metric each epoch reports.</summary>
    public const string Metric = "val_accuracy";

    private readonly Lazy<DatasetSplit> _split;

    /// <summary>Creates the workload; <paramref name="load"/> reads the dataset on the first start.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    private protected MlNetWarmStartWorkload(string name, DatasetSplitOptions? options, Func<string?, TabularDataset> load)
    {
        Name = name;
        var data = options ?? new DatasetSplitOptions();
        data.Validate();

        // PublicationOnly: a missing file is reported on every start instead of being cached as a failure.
        _split = new Lazy<DatasetSplit>(
            () => DatasetSplit.Stratified(load(data.DatasetPath), data.ValidationFraction, data.SplitSeed).Standardized(),
            LazyThreadSafetyMode.PublicationOnly);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string MetricName => Metric;

    /// <inheritdoc />
    public bool HigherIsBetter => true;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A hyperparameter is unknown or invalid; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The dataset file is missing.</exception>
    public async Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        await ResumableEpochRun.StartAsync(RunFactory(parameters, seed), resumeAfterEpoch, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The checkpoint is another workload's, configuration's or epoch's, or corrupt.</exception>
    public async Task<IResumableWorkloadRun> ResumeAsync(TrialParameters parameters, int seed, int epoch, Stream checkpoint, CancellationToken cancellationToken = default) =>
        await ResumableEpochRun.ResumeAsync(RunFactory(parameters, seed), checkpoint, epoch, cancellationToken).ConfigureAwait(false);

    /// <summary>Creates a workload from settings that may hold only the dataset options (<see cref="DatasetSplitOptions.SettingNames"/>).</summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid; the message names it.</exception>
    private protected static TWorkload FromDatasetSettings<TWorkload>(WorkloadSettings settings, Func<DatasetSplitOptions, TWorkload> create)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureOnly(DatasetSplitOptions.SettingNames);
        return create(DatasetSplitOptions.FromSettings(settings));
    }

    /// <summary>Reads and validates the learner's hyperparameters.</summary>
    private protected abstract THyperparameters ParseHyperparameters(TrialParameters parameters);

    /// <summary>Creates an untrained run of the learner on <paramref name="split"/> whose checkpoints carry <paramref name="fingerprint"/>.</summary>
    private protected abstract ResumableEpochRun CreateRun(DatasetSplit split, THyperparameters hyperparameters, int seed, string fingerprint);

    private Func<ResumableEpochRun> RunFactory(TrialParameters parameters, int seed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var hyperparameters = ParseHyperparameters(parameters);
        string fingerprint = CheckpointHeader.Fingerprint(parameters);
        return () => CreateRun(_split.Value, hyperparameters, seed, fingerprint);
    }
}
