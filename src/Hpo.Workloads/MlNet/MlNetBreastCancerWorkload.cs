using Hpo.Scheduler.SearchSpaces;
using Hpo.Workloads.Datasets;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// ML.NET's SGD logistic regression (<see cref="SgdCalibratedTrainer"/>) on the UCI breast cancer
/// (diagnostic) dataset, trained with warm start: each epoch runs
/// <see cref="MlNetBreastCancerHyperparameters.IterationsPerEpoch"/> shuffled passes from the previous
/// epoch's weights. Features are standardised with the training rows' statistics; the split is stratified
/// 80/20 with a fixed seed. The metric is validation accuracy in [0, 1].
/// </summary>
/// <remarks>
/// The shuffling of epoch n is seeded by (trial seed, n), so the same seed gives the same curve and a
/// resumed run, which re-fits the earlier epochs (milliseconds each), continues it exactly. A paused trial is restored
/// from its checkpoint (the last fitted model) and continues it exactly too.
/// </remarks>
public sealed class MlNetBreastCancerWorkload : MlNetWarmStartWorkload<MlNetBreastCancerHyperparameters>
{
    /// <summary>The registry type name.</summary>
    public const string TypeName = "mlnet-breast-cancer";

    /// <summary>
    /// The default hyperparameter space in the search-space JSON form; <c>epochs</c> is the epoch budget
    /// (metadata, not a hyperparameter).
    /// </summary>
    public const string DefaultSearchSpaceJson = """
        {
          "learning_rate": { "type": "float", "low": 1e-4, "high": 1.0, "log": true },
          "l2_regularization": { "type": "float", "low": 1e-7, "high": 1e-1, "log": true },
          "iterations_per_epoch": { "type": "int", "low": 1, "high": 5 },
          "epochs": { "type": "constant", "value": 20 }
        }
        """;

    /// <summary>Creates the workload; the dataset is read on the first start.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public MlNetBreastCancerWorkload(DatasetSplitOptions? options = null)
        : base(TypeName, options, path => BuiltInDatasets.LoadBreastCancer(path))
    {
    }

    /// <summary>
    /// Creates the workload from <c>{"type":"mlnet-breast-cancer"}</c> settings, optionally with
    /// <c>dataset</c> (a path), <c>validation_fraction</c> and <c>split_seed</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid; the message names it.</exception>
    public static MlNetBreastCancerWorkload FromSettings(WorkloadSettings settings) => FromDatasetSettings(settings, options => new MlNetBreastCancerWorkload(options));

    private protected override MlNetBreastCancerHyperparameters ParseHyperparameters(TrialParameters parameters) => MlNetBreastCancerHyperparameters.FromParameters(parameters);

    private protected override ResumableEpochRun CreateRun(DatasetSplit split, MlNetBreastCancerHyperparameters hyperparameters, int seed, string fingerprint)
    {
        var context = new MLContext(seed);
        var validation = MlNetData.ToBinary(context, split.Validation);
        return new MlNetWarmStartRun<LinearModelParameters>(
            TypeName,
            fingerprint,
            seed,
            MlNetData.ToBinary(context, split.Train),
            MlNetLearners.SgdLogisticRegression(() => new SgdCalibratedTrainer.Options
            {
                LearningRate = hyperparameters.LearningRate,
                L2Regularization = (float)hyperparameters.L2Regularization,
                NumberOfIterations = hyperparameters.IterationsPerEpoch,
                Shuffle = true,
            }),
            model => MlNetData.Accuracy<bool>(model.Transform(validation)));
    }
}
