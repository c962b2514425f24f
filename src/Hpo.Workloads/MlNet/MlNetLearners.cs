using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// The ML.NET trainers the warm-start workloads train epoch by epoch, each with the warm-start <c>Fit</c> overload it
/// has in ML.NET (a trainer without one, such as SDCA or the tree learners, cannot train by epochs). The caller's
/// options carry the hyperparameters; the columns (<see cref="MlNetData.FeaturesColumn"/>, <see cref="MlNetData.LabelColumn"/>)
/// and, where the trainer has threads, one thread are set here: one thread keeps the sums (and SGD's updates, Hogwild
/// on several) deterministic, and concurrent trials do not fight over cores.
/// </summary>
internal static class MlNetLearners
{
    /// <summary>L-BFGS maximum entropy (multinomial logistic regression), for a key-typed label.</summary>
    public static MlNetWarmStartLearner<MaximumEntropyModelParameters> MaximumEntropy(Func<LbfgsMaximumEntropyMulticlassTrainer.Options> options) => new(
        (context, train, previous) =>
        {
            var trainer = context.MulticlassClassification.Trainers.LbfgsMaximumEntropy(Columns(options(), o => o.NumberOfThreads = 1));
            return previous is null ? trainer.Fit(train) : trainer.Fit(train, previous);
        },
        fitted => ((MulticlassPredictionTransformer<MaximumEntropyModelParameters>)fitted).Model);

    /// <summary>
    /// L-BFGS logistic regression, for a boolean label. Warm start continues from the linear weights; the Platt
    /// calibrator is refitted each epoch.
    /// </summary>
    public static MlNetWarmStartLearner<LinearModelParameters> LogisticRegression(Func<LbfgsLogisticRegressionBinaryTrainer.Options> options) => new(
        (context, train, previous) =>
        {
            var trainer = context.BinaryClassification.Trainers.LbfgsLogisticRegression(Columns(options(), o => o.NumberOfThreads = 1));
            return previous is null ? trainer.Fit(train) : trainer.Fit(train, previous);
        },
        CalibratedLinear);

    /// <summary>SGD logistic regression, for a boolean label; as <see cref="LogisticRegression"/>, the calibrator is refitted each epoch.</summary>
    public static MlNetWarmStartLearner<LinearModelParameters> SgdLogisticRegression(Func<SgdCalibratedTrainer.Options> options) => new(
        (context, train, previous) =>
        {
            var trainer = context.BinaryClassification.Trainers.SgdCalibrated(Columns(options(), o => o.NumberOfThreads = 1));
            return previous is null ? trainer.Fit(train) : trainer.Fit(train, previous);
        },
        CalibratedLinear);

    /// <summary>Online gradient descent, for a float label (it runs on one thread).</summary>
    public static MlNetWarmStartLearner<LinearModelParameters> OnlineGradientDescent(Func<OnlineGradientDescentTrainer.Options> options) => new(
        (context, train, previous) =>
        {
            var trainer = context.Regression.Trainers.OnlineGradientDescent(Columns(options()));
            return previous is null ? trainer.Fit(train) : trainer.Fit(train, previous);
        },
        fitted => ((RegressionPredictionTransformer<LinearRegressionModelParameters>)fitted).Model);

    private static LinearModelParameters CalibratedLinear(ITransformer fitted) =>
        ((BinaryPredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>)fitted).Model.SubModel;

    private static TOptions Columns<TOptions>(TOptions options, Action<TOptions>? threads = null)
        where TOptions : TrainerInputBaseWithLabel
    {
        options.LabelColumnName = MlNetData.LabelColumn;
        options.FeatureColumnName = MlNetData.FeaturesColumn;
        threads?.Invoke(options);
        return options;
    }
}
