using Hpo.LcPfn.Runtime;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.Digits;

/// <summary>
/// The demo workload: a TorchSharp MLP classifying the UCI 8x8 digits (standardised pixels, stratified
/// 80/20 split with a fixed seed). Each epoch is one pass over the training rows in shuffled mini-batches;
/// the metric is validation accuracy in [0, 1]. Hyperparameters: <see cref="DigitsMlpHyperparameters"/>.
/// </summary>
/// <remarks>
/// Deterministic per seed: the run's own generator seeds the weights, the shuffling and dropout, and each
/// run trains on one libtorch thread (<see cref="DigitsMlpOptions.TorchThreads"/>). A run that resumes
/// after epoch k re-trains epochs 1..k silently (well under a second each), which continues the
/// uninterrupted curve exactly, on any worker, with no checkpoint to store. A trial paused by a pausing policy
/// resumes from its checkpoint instead (weights, optimiser state and the generator's state; <see cref="ResumeAsync"/>),
/// which continues the curve exactly too, without the replay.
/// </remarks>
public sealed class DigitsMlpWorkload : IResumableWorkload
{
    /// <summary>The registry type name.</summary>
    public const string TypeName = "digits-mlp";

    /// <summary>The metric each epoch reports.</summary>
    public const string Metric = "val_accuracy";

    /// <summary>
    /// The default hyperparameter space in the search-space JSON form; <c>epochs</c> is the epoch budget
    /// (metadata, not a hyperparameter).
    /// </summary>
    public const string DefaultSearchSpaceJson = """
        {
          "learning_rate": { "type": "float", "low": 1e-4, "high": 0.3, "log": true },
          "batch_size": { "type": "int", "low": 16, "high": 256, "log": true },
          "width": { "type": "int", "low": 16, "high": 256, "log": true },
          "depth": { "type": "int", "low": 1, "high": 3 },
          "dropout": { "type": "float", "low": 0.0, "high": 0.5 },
          "weight_decay": { "type": "float", "low": 1e-6, "high": 1e-2, "log": true },
          "optimizer": { "type": "categorical", "choices": ["adamw", "sgd"] },
          "activation": { "type": "categorical", "choices": ["relu", "tanh"] },
          "epochs": { "type": "constant", "value": 20 }
        }
        """;

    private static readonly string[] SettingNames = [.. DatasetSplitOptions.SettingNames, "threads"];

    private readonly DigitsMlpOptions _options;
    private readonly Lazy<DatasetSplit> _split;

    /// <summary>Creates the workload; the dataset is read on the first <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public DigitsMlpWorkload(DigitsMlpOptions? options = null)
    {
        _options = options ?? new DigitsMlpOptions();
        _options.Validate();
        var data = _options.Data;

        // PublicationOnly: a missing file is reported on every start instead of being cached as a failure.
        _split = new Lazy<DatasetSplit>(
            () => DatasetSplit.Stratified(BuiltInDatasets.LoadDigits(data.DatasetPath), data.ValidationFraction, data.SplitSeed).Standardized(),
            LazyThreadSafetyMode.PublicationOnly);
    }

    /// <inheritdoc />
    public string Name => TypeName;

    /// <inheritdoc />
    public string MetricName => Metric;

    /// <inheritdoc />
    public bool HigherIsBetter => true;

    /// <summary>
    /// Creates the workload from <c>{"type":"digits-mlp"}</c> settings, optionally with <c>dataset</c> (a
    /// path), <c>validation_fraction</c>, <c>split_seed</c> and <c>threads</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid; the message names it.</exception>
    public static DigitsMlpWorkload FromSettings(WorkloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureOnly(SettingNames);
        int threads = settings.GetInt32("threads") ?? 1;
        if (threads is < 1 or > 64)
        {
            throw new ArgumentException($"Workload '{settings.Type}' setting 'threads' must be in [1, 64]; it is {threads}.");
        }

        return new DigitsMlpWorkload(new DigitsMlpOptions { Data = DatasetSplitOptions.FromSettings(settings), TorchThreads = threads });
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A hyperparameter is unknown or invalid; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The dataset file is missing.</exception>
    public async Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        await ResumableEpochRun.StartAsync(CreateRun(parameters, seed), resumeAfterEpoch, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The checkpoint is another workload's, configuration's or epoch's, or corrupt.</exception>
    public async Task<IResumableWorkloadRun> ResumeAsync(TrialParameters parameters, int seed, int epoch, Stream checkpoint, CancellationToken cancellationToken = default) =>
        await ResumableEpochRun.ResumeAsync(CreateRun(parameters, seed), checkpoint, epoch, cancellationToken).ConfigureAwait(false);

    /// <summary>Makes a fresh run of <paramref name="parameters"/> (checked here, on the caller's thread; the dataset split is loaded once per workload).</summary>
    private Func<ResumableEpochRun> CreateRun(TrialParameters parameters, int seed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var hyperparameters = DigitsMlpHyperparameters.FromParameters(parameters);
        string fingerprint = CheckpointHeader.Fingerprint(parameters);
        return () =>
        {
            var split = _split.Value;
            TorchRuntime.EnsureLoaded();
            return new DigitsMlpRun(split, hyperparameters, fingerprint, seed, _options.TorchThreads);
        };
    }
}
