using System.Globalization;
using System.Text.Json.Nodes;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Workloads.Datasets;
using Hpo.Workloads.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// ML.NET on the user's CSV/TSV (<see cref="TabularDataOptions"/>), trained epoch by epoch through warm
/// start: binary tasks with L-BFGS logistic regression, multiclass with L-BFGS maximum entropy, regression
/// with online gradient descent. Each epoch continues from the previous epoch's weights; the metric is the
/// one the <c>metric</c> setting names (<see cref="TabularMetric"/>).
/// </summary>
/// <remarks>
/// The training and validation views are built once and shared by every trial. Each epoch's shuffling (online
/// gradient descent) is seeded by (trial seed, epoch), and L-BFGS draws no random numbers, so a seed fixes a
/// curve and a resumed run, which re-fits the earlier epochs, continues it exactly. A paused trial is restored from its
/// checkpoint (the last fitted model, whose weights the next warm start takes) and continues it exactly too.
/// </remarks>
public sealed class TabularMlNetWorkload : TabularWorkload<TabularMlNetHyperparameters>
{
    /// <summary>The registry type name.</summary>
    public const string TypeName = "tabular-mlnet";

    /// <summary>
    /// The default hyperparameter space (every task's parameters; <see cref="SearchSpaceJsonFor"/> keeps the
    /// task's own); <c>epochs</c> is the epoch budget (metadata, not a hyperparameter).
    /// </summary>
    public const string DefaultSearchSpaceJson = """
        {
          "l1_regularization": { "type": "float", "low": 1e-5, "high": 10, "log": true },
          "l2_regularization": { "type": "float", "low": 1e-5, "high": 10, "log": true },
          "learning_rate": { "type": "float", "low": 1e-3, "high": 0.3, "log": true },
          "iterations_per_epoch": { "type": "int", "low": 1, "high": 10, "log": true },
          "epochs": { "type": "constant", "value": 20 }
        }
        """;

    private readonly IDataView _train;
    private readonly IDataView _validation;
    private readonly float _targetMean;
    private readonly float _targetScale = 1f;
    private readonly ITransformer? _unstandardize;

    /// <summary>Reads, checks and encodes the data.</summary>
    /// <exception cref="ArgumentException">An option is invalid or the data cannot be used; the message names the setting, file, line and column.</exception>
    public TabularMlNetWorkload(TabularDataOptions options)
        : base(TypeName, options)
    {
        var context = new MLContext(0);
        var data = Data;
        switch (data.Task)
        {
            case TabularTask.Regression:
                // Online gradient descent from a zero bias would spend its first epochs walking the bias to the
                // target's level; on the standardised target every epoch goes to the features.
                double mean = data.TrainTargets.Average(t => (double)t);
                double sd = Math.Sqrt(data.TrainTargets.Average(t => (t - mean) * (t - mean)));
                _targetMean = (float)mean;
                _targetScale = sd > 1e-8 ? (float)sd : 1f;
                _train = RegressionView(context, data.TrainFeatures, [.. data.TrainTargets.Select(t => (t - _targetMean) / _targetScale)], data.FeatureCount);
                _validation = RegressionView(context, data.ValidationFeatures, [.. data.ValidationTargets.Select(t => (t - _targetMean) / _targetScale)], data.FeatureCount);
                _unstandardize = context.Transforms.Expression(
                    "Score",
                    string.Create(CultureInfo.InvariantCulture, $"s => s * {_targetScale:R} + {_targetMean:R}"),
                    "Score").Fit(ScoredSchemaView(context));
                break;
            case TabularTask.Binary:
                _train = MlNetData.ToBinary(context, ToDataset(data.TrainFeatures, data.TrainTargets, data));
                _validation = MlNetData.ToBinary(context, ToDataset(data.ValidationFeatures, data.ValidationTargets, data));
                break;
            default:
                (_train, _validation) = MlNetData.ToMulticlass(context, ToDataset(data.TrainFeatures, data.TrainTargets, data), ToDataset(data.ValidationFeatures, data.ValidationTargets, data));
                break;
        }
    }

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <summary>The encoded validation rows as the models read them (a <c>Features</c> vector and the <c>Label</c>).</summary>
    internal IDataView ValidationView => _validation;

    /// <summary>The default space with only the parameters <paramref name="task"/>'s learner uses.</summary>
    public static string SearchSpaceJsonFor(TabularTask task)
    {
        var space = JsonNode.Parse(DefaultSearchSpaceJson)!.AsObject();
        var used = TabularMlNetHyperparameters.UsedBy(task);
        foreach (string name in space.Select(p => p.Key).ToArray())
        {
            if (name != HyperparameterReader.EpochsParameter && !used.Contains(name))
            {
                space.Remove(name);
            }
        }

        return space.ToJsonString();
    }

    /// <summary>Creates the workload from <c>{"type":"tabular-mlnet","dataset":...,"label":...}</c> settings (<see cref="TabularDataOptions.SettingNames"/>).</summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid, or the data cannot be used; the message names the setting.</exception>
    public static TabularMlNetWorkload FromSettings(WorkloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureOnly(TabularDataOptions.SettingNames);
        return new TabularMlNetWorkload(TabularDataOptions.FromSettings(settings));
    }

    private protected override TabularMlNetHyperparameters ParseHyperparameters(TrialParameters parameters) => TabularMlNetHyperparameters.FromParameters(parameters);

    private protected override ResumableEpochRun CreateRun(TabularMlNetHyperparameters hyperparameters, int seed, string fingerprint)
    {
        return Data.Task switch
        {
            TabularTask.Binary => Run(
                MlNetLearners.LogisticRegression(() => new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    L1Regularization = (float)hyperparameters.L1Regularization,
                    L2Regularization = (float)hyperparameters.L2Regularization,
                    MaximumNumberOfIterations = hyperparameters.IterationsPerEpoch,
                }),
                "Probability"),
            TabularTask.Multiclass => Run(
                MlNetLearners.MaximumEntropy(() => new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    L1Regularization = (float)hyperparameters.L1Regularization,
                    L2Regularization = (float)hyperparameters.L2Regularization,
                    MaximumNumberOfIterations = hyperparameters.IterationsPerEpoch,
                }),
                "Score"),
            _ => Run(
                MlNetLearners.OnlineGradientDescent(() => new OnlineGradientDescentTrainer.Options
                {
                    LearningRate = (float)hyperparameters.LearningRate,
                    L2Regularization = (float)hyperparameters.L2Regularization,
                    NumberOfIterations = hyperparameters.IterationsPerEpoch,
                    Shuffle = true,
                }),
                "Score",

                // The learner sees the standardised target; the model handed back predicts in the file's units.
                fitted => fitted.Append(_unstandardize!)),
        };

        MlNetWarmStartRun<TModel> Run<TModel>(MlNetWarmStartLearner<TModel> learner, string outputColumn, Func<ITransformer, ITransformer>? present = null)
            where TModel : class =>
            new(TypeName, fingerprint, seed, _train, learner, model => Evaluate(model, outputColumn), present);
    }

    private double Evaluate(ITransformer model, string outputColumn)
    {
        var predictions = model.Transform(_validation);
        var data = Data;
        float[] outputs = data.Task switch
        {
            TabularTask.Multiclass => [.. predictions.GetColumn<VBuffer<float>>(outputColumn).SelectMany(Dense)],
            TabularTask.Regression => [.. predictions.GetColumn<float>(outputColumn).Select(s => (s * _targetScale) + _targetMean)],
            _ => [.. predictions.GetColumn<float>(outputColumn)],
        };
        return TabularMetrics.Evaluate(data.Metric, data.Task, data.ValidationTargets, outputs, data.ClassCount);

        // One probability per class, in class order: the labels' keys were assigned by value from the
        // training rows, which hold every class.
        IEnumerable<float> Dense(VBuffer<float> scores)
        {
            var dense = new float[data.ClassCount];
            scores.CopyTo(dense);
            return dense;
        }
    }

    private static TabularDataset ToDataset(float[] features, float[] targets, TabularData data) =>
        new("tabular", features, data.FeatureCount, [.. targets.Select(t => (int)t)], data.ClassCount);

    // A one-row view with the Score column a regression model outputs, to fit the un-standardising expression on.
    private static IDataView ScoredSchemaView(MLContext context) => context.Data.LoadFromEnumerable(new[] { new ScoreRow() });

    private static IDataView RegressionView(MLContext context, float[] features, float[] targets, int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(RegressionRow));
        schema[nameof(RegressionRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var rows = new RegressionRow[targets.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new RegressionRow { Features = features.AsSpan(i * featureCount, featureCount).ToArray(), Label = targets[i] };
        }

        return context.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    private sealed class RegressionRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
