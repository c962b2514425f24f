using Hpo.Workloads;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.Digits;
using Hpo.Workloads.MlNet;

namespace Hpo.Workloads.Tests;

public sealed class WorkloadRegistryTests
{
    [Fact]
    public void Types_Default_ListsTheBuiltInWorkloads()
    {
        Assert.Equal(["digits-mlp", "lcbench", "mlnet-breast-cancer", "mlnet-digits", "tabular-mlnet", "tabular-mlp"], BuiltInWorkloads.CreateRegistry().Types);
    }

    [Theory]
    [InlineData("""{"type":"digits-mlp"}""", typeof(DigitsMlpWorkload))]
    [InlineData("""{"type":"digits-mlp","threads":2,"validation_fraction":0.25,"split_seed":3}""", typeof(DigitsMlpWorkload))]
    [InlineData("""{"type":"mlnet-digits"}""", typeof(MlNetDigitsWorkload))]
    [InlineData("""{"type":"mlnet-breast-cancer","dataset":"breast_cancer.csv"}""", typeof(MlNetBreastCancerWorkload))]
    [InlineData("mlnet-digits", typeof(MlNetDigitsWorkload))]
    public void Create_KnownType_CreatesThatWorkload(string json, Type expected)
    {
        var workload = BuiltInWorkloads.CreateRegistry().Create(json);

        Assert.IsType(expected, workload);
        Assert.Equal("val_accuracy", workload.MetricName);
        Assert.True(workload.HigherIsBetter);
    }

    [Fact]
    public void Create_UnknownType_ThrowsListingKnownTypes()
    {
        var ex = Assert.Throws<ArgumentException>(() => BuiltInWorkloads.CreateRegistry().Create("""{"type":"digits-cnn"}"""));

        Assert.StartsWith("Unknown workload type 'digits-cnn'; known types: digits-mlp, lcbench, mlnet-breast-cancer, mlnet-digits, tabular-mlnet, tabular-mlp.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"digits-mlp","threads":0}""", "setting 'threads' must be in [1, 64]")]
    [InlineData("""{"type":"digits-mlp","validation_fraction":1.5}""", "setting 'validation_fraction' must be in (0, 1)")]
    [InlineData("""{"type":"mlnet-digits","threads":2}""", "has no setting 'threads'")]
    [InlineData("""{"type":"mlnet-breast-cancer","dataset":""}""", "setting 'dataset' is empty")]
    public void Create_BadSetting_ThrowsNamingIt(string json, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => BuiltInWorkloads.CreateRegistry().Create(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_NewType_IsOneLineAndCreatesFromItsSettings()
    {
        var registry = BuiltInWorkloads.CreateRegistry().Register("constant", s => new ConstantWorkload(s.GetDouble("value") ?? 0.5));

        var workload = registry.Create("""{"type":"constant","value":0.7}""");

        Assert.Equal(0.7, Assert.IsType<ConstantWorkload>(workload).Value);
        Assert.Null(registry.GetDefaultSearchSpace("constant"));
    }

    [Fact]
    public void Register_ExistingType_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => BuiltInWorkloads.CreateRegistry().Register("digits-mlp", _ => new ConstantWorkload(0)));

        Assert.Contains("'digits-mlp' is already registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDefaultSearchSpace_BuiltIn_IsTheWorkloadsConstant()
    {
        var registry = BuiltInWorkloads.CreateRegistry();

        Assert.Equal(DigitsMlpWorkload.DefaultSearchSpaceJson, registry.GetDefaultSearchSpace("digits-mlp"));
        Assert.Equal(MlNetDigitsWorkload.DefaultSearchSpaceJson, registry.GetDefaultSearchSpace("mlnet-digits"));
        Assert.Equal(MlNetBreastCancerWorkload.DefaultSearchSpaceJson, registry.GetDefaultSearchSpace("mlnet-breast-cancer"));
    }

    private sealed class ConstantWorkload(double value) : IWorkload
    {
        public double Value => value;

        public string Name => "constant";

        public string MetricName => "value";

        public bool HigherIsBetter => true;

        public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
            Task.FromResult<IWorkloadRun>(new ConstantRun(value));
    }

    private sealed class ConstantRun(double value) : IWorkloadRun
    {
        public Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default) => Task.FromResult(value);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public void Create_LcBenchSettings_BuildsTheSurrogateWorkloadForThatTask()
    {
        string json = $$"""{"type":"lcbench","surrogate":{{System.Text.Json.JsonSerializer.Serialize(Hpo.Workloads.Tests.TestDoubles.RepoPaths.LcBench)}},"task":"3945"}""";

        var workload = Assert.IsType<Hpo.Workloads.LcBench.LcBenchWorkload>(BuiltInWorkloads.CreateRegistry().Create(json));
        using (workload)
        {
            Assert.Equal("3945", workload.TaskId);
        }
    }

    [Fact]
    public void Create_LcBenchMissingFolder_NamesTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => BuiltInWorkloads.CreateRegistry().Create("""{"type":"lcbench","surrogate":"/nonexistent/lcbench","task":"3945"}"""));
        Assert.Contains("'surrogate'", ex.Message, StringComparison.Ordinal);
    }
}
