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
/// the same curve. A resumed run re-fits the earlier epochs (milliseconds each).
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
        : base(options, path => BuiltInDatasets.LoadDigits(path))
    {
    }

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <summary>
    /// Creates the workload from <c>{"type":"mlnet-digits"}</c> settings, optionally with <c>dataset</c> (a
    /// path), <c>validation_fraction</c> and <c>split_seed</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid; the message names it.</exception>
    public static MlNetDigitsWorkload FromSettings(WorkloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureOnly(DatasetSplitOptions.SettingNames);
        return new MlNetDigitsWorkload(DatasetSplitOptions.FromSettings(settings));
    }

    private protected override MlNetDigitsHyperparameters ParseHyperparameters(TrialParameters parameters) => MlNetDigitsHyperparameters.FromParameters(parameters);

    private protected override EpochRun CreateRun(DatasetSplit split, MlNetDigitsHyperparameters hyperparameters, int seed)
    {
        var context = new MLContext(seed);
        var (train, validation) = MlNetData.ToMulticlass(context, split.Train, split.Validation);
        return new MlNetWarmStartRun<MaximumEntropyModelParameters>(
            train.Schema,
            (epoch, previous) =>
            {
                var trainer = MlNetData.EpochContext(seed, epoch).MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                    new LbfgsMaximumEntropyMulticlassTrainer.Options
                    {
                        LabelColumnName = MlNetData.LabelColumn,
                        FeatureColumnName = MlNetData.FeaturesColumn,
                        L1Regularization = (float)hyperparameters.L1Regularization,
                        L2Regularization = (float)hyperparameters.L2Regularization,
                        OptimizationTolerance = (float)hyperparameters.OptimizationTolerance,
                        MaximumNumberOfIterations = hyperparameters.IterationsPerEpoch,
                        HistorySize = hyperparameters.HistorySize,

                        // One thread: deterministic sums, and concurrent trials do not fight over cores.
                        NumberOfThreads = 1,
                    });
                var fitted = previous is null ? trainer.Fit(train) : trainer.Fit(train, previous);
                return (fitted, fitted.Model);
            },
            model => MlNetData.Accuracy<uint>(model.Transform(validation)));
    }
}
