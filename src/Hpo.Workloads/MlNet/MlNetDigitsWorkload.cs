using Hpo.Scheduler.SearchSpaces;
using Hpo.Workloads.Datasets;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// ML.NET's L-BFGS maximum entropy (multinomial logistic regression) on the UCI 8x8 digits, trained with
/// warm start: each epoch runs <see cref="MlNetDigitsHyperparameters.IterationsPerEpoch"/> L-BFGS iterations
/// from the previous epoch's weights. The metric is validation accuracy in [0, 1]; the split and
/// standardisation are those of the digits MLP.
/// </summary>
/// <remarks>
/// L-BFGS from zero weights on one thread is deterministic and draws no random numbers, so every seed gives
/// the same curve. A resumed run re-fits the earlier epochs (milliseconds each); a paused trial is restored from its
/// checkpoint (the last fitted model), and either continues the curve exactly.
/// </remarks>
public sealed class MlNetDigitsWorkload : MlNetWarmStartWorkload<MlNetDigitsHyperparameters>
{
    /// <summary>The registry type name.</summary>
    public const string TypeName = "mlnet-digits";

    /// <summary>
    /// The default hyperparameter space in the search-space JSON form; <c>epochs</c> is the epoch budget
    /// (metadata, not a hyperparameter).
    /// </summary>
    public const string DefaultSearchSpaceJson = """
        {
          "l1_regularization": { "type": "float", "low": 1e-4, "high": 100, "log": true },
          "l2_regularization": { "type": "float", "low": 1e-4, "high": 100, "log": true },
          "optimization_tolerance": { "type": "float", "low": 1e-8, "high": 1e-3, "log": true },
          "iterations_per_epoch": { "type": "int", "low": 1, "high": 10, "log": true },
          "epochs": { "type": "constant", "value": 20 }
        }
        """;

    /// <summary>Creates the workload; the dataset is read on the first start.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public MlNetDigitsWorkload(DatasetSplitOptions? options = null)
        : base(TypeName, options, path => BuiltInDatasets.LoadDigits(path))
    {
    }

    /// <summary>
    /// Creates the workload from <c>{"type":"mlnet-digits"}</c> settings, optionally with
    /// <c>dataset</c> (a path), <c>validation_fraction</c> and <c>split_seed</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid; the message names it.</exception>
    public static MlNetDigitsWorkload FromSettings(WorkloadSettings settings) => FromDatasetSettings(settings, options => new MlNetDigitsWorkload(options));

    private protected override MlNetDigitsHyperparameters ParseHyperparameters(TrialParameters parameters) => MlNetDigitsHyperparameters.FromParameters(parameters);

    private protected override ResumableEpochRun CreateRun(DatasetSplit split, MlNetDigitsHyperparameters hyperparameters, int seed, string fingerprint)
    {
        var (train, validation) = MlNetData.ToMulticlass(new MLContext(seed), split.Train, split.Validation);
        return new MlNetWarmStartRun<MaximumEntropyModelParameters>(
            TypeName,
            fingerprint,
            seed,
            train,
            MlNetLearners.MaximumEntropy(() => new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L1Regularization = (float)hyperparameters.L1Regularization,
                L2Regularization = (float)hyperparameters.L2Regularization,
                OptimizationTolerance = (float)hyperparameters.OptimizationTolerance,
                MaximumNumberOfIterations = hyperparameters.IterationsPerEpoch,
                HistorySize = hyperparameters.HistorySize,
            }),
            model => MlNetData.Accuracy<uint>(model.Transform(validation)));
    }
}
