using Hpo.Workers.Workloads;

namespace Hpo.Workers.Tests.Workloads;

public sealed class ExperimentWorkloadSettingsTests
{
    [Fact]
    public void Parse_WorkloadObjectAndDelay_ReadsBoth()
    {
        var settings = ExperimentWorkloadSettings.Parse("""{"maxTrials":4,"workload":{"type":"lcbench","task":"3945"},"epochDelayMs":25}""");

        Assert.Contains("\"lcbench\"", settings.WorkloadJson, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(25), settings.EpochDelay);
    }

    [Fact]
    public void Parse_NoWorkload_SaysWhatIsMissing()
    {
        var ex = Assert.Throws<ArgumentException>(() => ExperimentWorkloadSettings.Parse("""{"maxTrials":4}"""));

        Assert.Contains("'workload'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NegativeDelay_NamesTheField()
    {
        var ex = Assert.Throws<ArgumentException>(() => ExperimentWorkloadSettings.Parse("""{"workload":"digits-mlp","epochDelayMs":-1}"""));

        Assert.Contains("epochDelayMs", ex.Message, StringComparison.Ordinal);
    }
}
