using Hpo.Workloads;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.Tabular;
using Hpo.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;
using static Hpo.Workloads.Tests.WorkloadTestHelpers;

namespace Hpo.Workloads.Tests.Tabular;

[Collection(TorchCollection.Name)]
public sealed class TabularWorkloadTests
{
    private static WorkloadSettings Settings(string type, string path, string label, string extra = "") =>
        WorkloadSettings.Parse($$"""{"type":"{{type}}","dataset":{{System.Text.Json.JsonSerializer.Serialize(path)}},"label":"{{label}}"{{extra}}}""");

    [Fact]
    public async Task MlNet_IrisMulticlass_WarmStartReachesHighAccuracyAndSavesALoadableModel()
    {
        var workload = TabularMlNetWorkload.FromSettings(Settings("tabular-mlnet", TabularFiles.Iris, "species"));
        await using var run = await workload.StartAsync(Parameters(("l1_regularization", 1e-4), ("l2_regularization", 1e-3), ("iterations_per_epoch", 2L)), seed: 1);

        double[] curve = await ContinueAsync(run, 1, 8);

        Assert.True(curve[^1] >= 0.9, $"curve {string.Join(' ', curve)}");
        Assert.True(curve[^1] > curve[0], $"curve {string.Join(' ', curve)}");
        var trained = Assert.IsAssignableFrom<ITrainedModelRun>(run);
        string path = TestTemp.File("hpo-tabular-model-", trained.ModelFileExtension);
        await trained.SaveModelAsync(path);
        var context = new MLContext(0);
        var model = context.Model.Load(path, out var schema);
        var predictions = model.Transform(workload.ValidationView);
        Assert.Equal(30, predictions.GetColumn<uint>("PredictedLabel").Count());
        Assert.Equal(4, Assert.IsType<VectorDataViewType>(schema["Features"].Type).Size);
    }

    [Fact]
    public async Task MlNet_BinaryWithAuc_ReportsTheChosenMetricAndResumesTheSameCurve()
    {
        string path = TabularFiles.Binary(400);
        var workload = TabularMlNetWorkload.FromSettings(Settings("tabular-mlnet", path, "label", ""","ignore":["id"],"metric":"val_auc" """));
        var parameters = Parameters(("l1_regularization", 1e-4), ("l2_regularization", 1e-3), ("iterations_per_epoch", 1L));

        double[] full = await CurveAsync(workload, parameters, seed: 3, epochs: 6);
        await using var resumed = await workload.StartAsync(parameters, seed: 3, resumeAfterEpoch: 3);
        double[] tail = await ContinueAsync(resumed, 4, 6);

        Assert.Equal(("val_auc", true, TabularTask.Binary), (workload.MetricName, workload.HigherIsBetter, workload.Task));
        Assert.True(full[^1] > 0.9, $"curve {string.Join(' ', full)}");
        Assert.Equal(full[3..], tail);
    }

    [Fact]
    public async Task MlNet_WineAlcoholRegression_OnlineGradientDescentLowersTheRmse()
    {
        var workload = TabularMlNetWorkload.FromSettings(Settings("tabular-mlnet", TabularFiles.Wine, "alcohol"));

        double[] curve = await CurveAsync(workload, Parameters(("learning_rate", 0.01), ("l2_regularization", 1e-4), ("iterations_per_epoch", 1L)), seed: 1, epochs: 6);

        Assert.Equal(("val_rmse", false), (workload.MetricName, workload.HigherIsBetter));

        // The target's standard deviation is about 0.81; a linear model on the other measurements does better.
        Assert.True(curve[^1] < 0.7, $"curve {string.Join(' ', curve)}");
    }

    [Fact]
    public async Task MlNet_RegressionModel_SavedModelPredictsInTheFilesUnits()
    {
        var workload = TabularMlNetWorkload.FromSettings(Settings("tabular-mlnet", TabularFiles.Wine, "alcohol", ""","metric":"val_mae" """));
        await using var run = await workload.StartAsync(Parameters(("learning_rate", 0.01), ("iterations_per_epoch", 2L)), seed: 1);
        double mae = (await ContinueAsync(run, 1, 5))[^1];
        string path = TestTemp.File("hpo-tabular-ogd-", ".zip");
        await ((ITrainedModelRun)run).SaveModelAsync(path);

        var model = new MLContext(0).Model.Load(path, out _);
        float[] scores = [.. model.Transform(workload.ValidationView).GetColumn<float>("Score")];
        float[] actual = workload.Data.ValidationTargets;

        Assert.Equal(mae, scores.Zip(actual, (s, a) => Math.Abs((double)s - a)).Average(), 4);
        Assert.InRange(scores.Average(), 12, 14);
    }

    [Fact]
    public async Task Mlp_WineAlcoholRegression_LearnsAndSavesItsStateDict()
    {
        using var workload = TabularMlpWorkload.FromSettings(Settings("tabular-mlp", TabularFiles.Wine, "alcohol", ""","metric":"val_r2" """));
        var parameters = Parameters(("learning_rate", 3e-3), ("batch_size", 16L), ("width", 32L), ("depth", 1L));
        await using var run = await workload.StartAsync(parameters, seed: 1);

        double[] curve = await ContinueAsync(run, 1, 10);

        Assert.True(curve[^1] > 0.3, $"R² curve {string.Join(' ', curve)}");
        var trained = Assert.IsAssignableFrom<ITrainedModelRun>(run);
        string path = TestTemp.File("hpo-tabular-mlp-", trained.ModelFileExtension);
        await trained.SaveModelAsync(path);
        Assert.True(new FileInfo(path).Length > 15 * 32 * sizeof(float), "the state dict holds at least the first layer's weights");
    }

    [Fact]
    public async Task Mlp_IrisMulticlass_SameSeedSameCurveAndResumeContinuesIt()
    {
        using var workload = TabularMlpWorkload.FromSettings(Settings("tabular-mlp", TabularFiles.Iris, "species", ""","metric":"val_log_loss" """));
        var parameters = Parameters(("learning_rate", 1e-2), ("batch_size", 16L), ("dropout", 0.1));

        double[] first = await CurveAsync(workload, parameters, seed: 5, epochs: 6);
        double[] second = await CurveAsync(workload, parameters, seed: 5, epochs: 6);
        await using var resumed = await workload.StartAsync(parameters, seed: 5, resumeAfterEpoch: 4);
        double[] tail = await ContinueAsync(resumed, 5, 6);

        Assert.Equal(first, second);
        Assert.Equal(first[4..], tail);
        Assert.True(first[^1] < first[0], $"log-loss curve {string.Join(' ', first)}");
    }

    [Theory]
    [InlineData("""{"type":"tabular-mlnet","label":"species"}""", "setting 'dataset' is required")]
    [InlineData("""{"type":"tabular-mlnet","dataset":"x.csv","label":"y","task":"ranking"}""", "setting 'task' is 'ranking'")]
    [InlineData("""{"type":"tabular-mlnet","dataset":"x.csv","label":"y","colour":"red"}""", "has no setting 'colour'")]
    [InlineData("""{"type":"tabular-mlnet","dataset":"/no/such/file.csv","label":"y"}""", "setting 'dataset': '/no/such/file.csv': the file does not exist")]
    [InlineData("""{"type":"tabular-mlp","dataset":"/no/such/file.csv","label":"y","threads":0}""", "setting 'threads' must be in [1, 64]")]
    public void Registry_BadSettings_ErrorNamesTheSetting(string json, string problem)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => BuiltInWorkloads.CreateRegistry().Create(json));

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_MissingValidationFile_ErrorNamesTheValidationSetting()
    {
        string json = $$"""{"type":"tabular-mlnet","dataset":{{System.Text.Json.JsonSerializer.Serialize(TabularFiles.Iris)}},"label":"species","validation":"/no/such/validation.csv"}""";

        var ex = Assert.Throws<ArgumentException>(() => BuiltInWorkloads.CreateRegistry().Create(json));

        Assert.Contains("setting 'validation': '/no/such/validation.csv': the file does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_IgnoreAsCommaSeparatedText_DropsThoseColumns()
    {
        string json = $$"""{"type":"tabular-mlnet","dataset":{{System.Text.Json.JsonSerializer.Serialize(TabularFiles.Iris)}},"label":"species","ignore":"sepal_length, sepal_width"}""";

        var workload = Assert.IsType<TabularMlNetWorkload>(BuiltInWorkloads.CreateRegistry().Create(json));

        Assert.Equal(2, workload.FeatureCount);
    }

    [Fact]
    public void Registry_DefaultSearchSpaces_CoverTheTabularWorkloads()
    {
        var registry = BuiltInWorkloads.CreateRegistry();

        Assert.Contains("l2_regularization", registry.GetDefaultSearchSpace(TabularMlNetWorkload.TypeName), StringComparison.Ordinal);
        Assert.Contains("batch_size", registry.GetDefaultSearchSpace(TabularMlpWorkload.TypeName), StringComparison.Ordinal);
        Assert.DoesNotContain("learning_rate", TabularMlNetWorkload.SearchSpaceJsonFor(TabularTask.Multiclass), StringComparison.Ordinal);
        Assert.DoesNotContain("l1_regularization", TabularMlNetWorkload.SearchSpaceJsonFor(TabularTask.Regression), StringComparison.Ordinal);
    }
}
