using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// What the tabular workloads share: the user's file is read, checked, split and encoded once, when the
/// workload is created (so bad data fails before an experiment is stored), and every trial trains on those
/// same in-memory rows; the metric and its direction follow the task and the <c>metric</c> setting. Runs resume from
/// their checkpoints (<see cref="IResumableWorkload"/>), so pausing policies work with either learner.
/// </summary>
/// <typeparam name="THyperparameters">The learner's typed hyperparameters.</typeparam>
public abstract class TabularWorkload<THyperparameters> : IResumableWorkload
{
    /// <summary>Reads the data; errors are <see cref="ArgumentException"/>s naming the setting, file, line and column.</summary>
    /// <param name="type">The registry type name (for messages).</param>
    /// <param name="options">The data options.</param>
    /// <exception cref="ArgumentException">An option is invalid or the data cannot be used.</exception>
    private protected TabularWorkload(string type, TabularDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        try
        {
            Data = TabularData.Load(options);
        }
        catch (TabularDataException ex)
        {
            string setting = options.ValidationPath is { } v && ex.File == v ? "validation" : "dataset";
            throw new ArgumentException($"Workload '{type}' setting '{setting}': {ex.Message}", ex);
        }
        catch (ArgumentException ex) when (ex.ParamName == "metric")
        {
            throw new ArgumentException($"Workload '{type}' setting 'metric' {ex.Message.Replace(" (Parameter 'metric')", "", StringComparison.Ordinal)}.", ex);
        }
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public string MetricName => Data.Metric.Name;

    /// <inheritdoc />
    public bool HigherIsBetter => Data.Metric.HigherIsBetter;

    /// <summary>The task, as given or inferred from the label.</summary>
    public TabularTask Task => Data.Task;

    /// <summary>The metric each epoch reports, with its bounds.</summary>
    public TabularMetric Metric => Data.Metric;

    /// <summary>The class names in class-index order (empty for regression).</summary>
    public IReadOnlyList<string> ClassNames => Data.ClassNames;

    /// <summary>Encoded features per row.</summary>
    public int FeatureCount => Data.FeatureCount;

    /// <summary>Training and validation rows.</summary>
    public (int Train, int Validation) Rows => (Data.TrainRows, Data.ValidationRows);

    /// <summary>The data options.</summary>
    public TabularDataOptions Options { get; }

    /// <summary>The loaded, encoded data.</summary>
    internal TabularData Data { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A hyperparameter is unknown or invalid; the message names it.</exception>
    public async Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        await ResumableEpochRun.StartAsync(RunFactory(parameters, seed), resumeAfterEpoch, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The checkpoint is another workload's, configuration's or epoch's, or corrupt.</exception>
    public async Task<IResumableWorkloadRun> ResumeAsync(TrialParameters parameters, int seed, int epoch, Stream checkpoint, CancellationToken cancellationToken = default) =>
        await ResumableEpochRun.ResumeAsync(RunFactory(parameters, seed), checkpoint, epoch, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads and validates the learner's hyperparameters.</summary>
    private protected abstract THyperparameters ParseHyperparameters(TrialParameters parameters);

    /// <summary>Creates an untrained run whose checkpoints carry <paramref name="fingerprint"/>.</summary>
    private protected abstract ResumableEpochRun CreateRun(THyperparameters hyperparameters, int seed, string fingerprint);

    private Func<ResumableEpochRun> RunFactory(TrialParameters parameters, int seed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var hyperparameters = ParseHyperparameters(parameters);
        string fingerprint = CheckpointHeader.Fingerprint(parameters);
        return () => CreateRun(hyperparameters, seed, fingerprint);
    }
}
