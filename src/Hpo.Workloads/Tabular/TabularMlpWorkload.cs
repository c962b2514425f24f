using Hpo.LcPfn.Runtime;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// A TorchSharp MLP on the user's CSV/TSV (<see cref="TabularDataOptions"/>): standardised numeric features,
/// one-hot (or hashed) categoricals, cross-entropy for classification and squared error on the standardised
/// target for regression. Each epoch is one pass over the training rows in shuffled mini-batches; the
/// metric is the one the <c>metric</c> setting names (<see cref="TabularMetric"/>).
/// </summary>
/// <remarks>
/// Deterministic per seed on one libtorch thread (<c>threads</c>): a resumed run re-trains its earlier
/// epochs and continues the uninterrupted curve exactly; a paused one is restored from its checkpoint (weights,
/// AdamW state, generator) and continues it exactly too. The encoded rows are tensors made once per
/// workload and shared by its runs; dispose the workload after its runs.
/// </remarks>
public sealed class TabularMlpWorkload : TabularWorkload<TabularMlpHyperparameters>, IDisposable
{
    /// <summary>The registry type name.</summary>
    public const string TypeName = "tabular-mlp";

    /// <summary>The default hyperparameter space; <c>epochs</c> is the epoch budget (metadata, not a hyperparameter).</summary>
    public const string DefaultSearchSpaceJson = """
        {
          "learning_rate": { "type": "float", "low": 1e-4, "high": 0.03, "log": true },
          "batch_size": { "type": "int", "low": 32, "high": 512, "log": true },
          "width": { "type": "int", "low": 16, "high": 256, "log": true },
          "depth": { "type": "int", "low": 1, "high": 3 },
          "dropout": { "type": "float", "low": 0.0, "high": 0.5 },
          "weight_decay": { "type": "float", "low": 1e-6, "high": 1e-2, "log": true },
          "epochs": { "type": "constant", "value": 20 }
        }
        """;

    private static readonly string[] ExtraSettings = ["threads"];

    private readonly TabularTensors _tensors;
    private readonly int _threads;

    /// <summary>Reads, checks and encodes the data.</summary>
    /// <param name="options">The data options.</param>
    /// <param name="threads">libtorch intra-op threads per run, in [1, 64] (one lets N concurrent trials use N cores).</param>
    /// <exception cref="ArgumentException">An option is invalid or the data cannot be used; the message names the setting, file, line and column.</exception>
    public TabularMlpWorkload(TabularDataOptions options, int threads = 1)
        : base(TypeName, options)
    {
        if (threads is < 1 or > 64)
        {
            throw new ArgumentException($"Workload '{TypeName}' setting 'threads' must be in [1, 64]; it is {threads}.", nameof(threads));
        }

        _threads = threads;
        TorchRuntime.EnsureLoaded();
        _tensors = new TabularTensors(Data);
    }

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <summary>Creates the workload from <c>{"type":"tabular-mlp","dataset":...,"label":...}</c> settings (<see cref="TabularDataOptions.SettingNames"/> and <c>threads</c>).</summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid, or the data cannot be used; the message names the setting.</exception>
    public static TabularMlpWorkload FromSettings(WorkloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureOnly([.. TabularDataOptions.SettingNames, .. ExtraSettings]);
        int threads = settings.GetInt32("threads") ?? 1;
        if (threads is < 1 or > 64)
        {
            throw new ArgumentException($"Workload '{settings.Type}' setting 'threads' must be in [1, 64]; it is {threads}.");
        }

        return new TabularMlpWorkload(TabularDataOptions.FromSettings(settings), threads);
    }

    /// <inheritdoc />
    public void Dispose() => _tensors.Dispose();

    private protected override TabularMlpHyperparameters ParseHyperparameters(TrialParameters parameters) => TabularMlpHyperparameters.FromParameters(parameters);

    private protected override ResumableEpochRun CreateRun(TabularMlpHyperparameters hyperparameters, int seed, string fingerprint) =>
        new TabularMlpRun(Data, _tensors, hyperparameters, fingerprint, seed, _threads);
}
