using Hpo.Scheduler.Workloads;

namespace Hpo.Workloads.Tests;

public sealed class WorkloadSettingsTests
{
    [Fact]
    public void Parse_ObjectWithSettings_ReadsTypeAndTypedValues()
    {
        var settings = WorkloadSettings.Parse("""{"type":"lcbench","surrogate":"s.onnx","task":3945,"validation_fraction":0.25,"split_seed":7}""");

        Assert.Equal("lcbench", settings.Type);
        Assert.Equal("s.onnx", settings.GetRequiredString("surrogate"));
        Assert.Equal("3945", settings.GetRequiredString("task"));
        Assert.Equal(0.25, settings.GetDouble("validation_fraction"));
        Assert.Equal(7, settings.GetInt32("split_seed"));
        Assert.Null(settings.GetString("absent"));
        Assert.Equal(["surrogate", "task", "validation_fraction", "split_seed"], settings.Names);
    }

    [Fact]
    public void Parse_BareName_IsTheType()
    {
        Assert.Equal("digits-mlp", WorkloadSettings.Parse(" digits-mlp ").Type);
    }

    [Theory]
    [InlineData("{\"type\":", "not valid JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("{\"dataset\":\"x\"}", "need a string \"type\"")]
    [InlineData("{\"type\":3}", "need a string \"type\"")]
    public void Parse_Malformed_ThrowsArgumentExceptionSayingWhy(string json, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => WorkloadSettings.Parse(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredString_Missing_ThrowsNamingWorkloadAndSetting()
    {
        var settings = WorkloadSettings.Parse("""{"type":"lcbench"}""");

        var ex = Assert.Throws<ArgumentException>(() => settings.GetRequiredString("surrogate"));

        Assert.Equal("Workload 'lcbench' setting 'surrogate' is required.", ex.Message);
    }

    [Fact]
    public void GetInt32_Fraction_ThrowsNamingTheSetting()
    {
        var settings = WorkloadSettings.Parse("""{"type":"digits-mlp","split_seed":1.5}""");

        var ex = Assert.Throws<ArgumentException>(() => settings.GetInt32("split_seed"));

        Assert.Contains("setting 'split_seed' must be an integer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDouble_String_ThrowsNamingTheSetting()
    {
        var settings = WorkloadSettings.Parse("""{"type":"digits-mlp","validation_fraction":"0.2"}""");

        var ex = Assert.Throws<ArgumentException>(() => settings.GetDouble("validation_fraction"));

        Assert.Contains("setting 'validation_fraction' must be a number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureOnly_UnknownSetting_ThrowsListingTheKnownOnes()
    {
        var settings = WorkloadSettings.Parse("""{"type":"digits-mlp","datset":"x"}""");

        var ex = Assert.Throws<ArgumentException>(() => settings.EnsureOnly("dataset", "threads"));

        Assert.Equal("Workload 'digits-mlp' has no setting 'datset'; known settings: dataset, threads.", ex.Message);
    }
}
