using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Tests.Persistence;

public sealed class ExperimentSpecTests
{
    private static readonly ExperimentSpec Spec = new(
        "e", "val_accuracy", MetricDirection.Maximize, 0, 1, 20,
        """{"lr": {"type": "float", "low": 0.001, "high": 1, "log": true}}""",
        """{"type": "random"}""",
        """{"type": "lcpfn", "delta": 0.05, "minEpochs": 2}""",
        """{"concurrency": 2, "seed": 1}""");

    [Fact]
    public void FirstDifference_JsonReorderedAsJsonbDoes_IsNull()
    {
        // What PostgreSQL's jsonb gives back: keys reordered, whitespace dropped.
        var stored = Spec with
        {
            SearchSpaceJson = """{"lr":{"log":true,"low":0.001,"high":1,"type":"float"}}""",
            PolicyJson = """{"delta":0.05,"minEpochs":2,"type":"lcpfn"}""",
            SettingsJson = """{"seed":1,"concurrency":2}""",
        };

        Assert.Null(stored.FirstDifference(Spec));
    }

    [Theory]
    [InlineData("PolicyJson")]
    [InlineData("MaxEpochs")]
    [InlineData("SettingsJson")]
    public void FirstDifference_OneFieldChanged_NamesIt(string field)
    {
        var changed = field switch
        {
            "PolicyJson" => Spec with { PolicyJson = """{"type": "lcpfn", "delta": 0.1, "minEpochs": 2}""" },
            "MaxEpochs" => Spec with { MaxEpochs = 21 },
            _ => Spec with { SettingsJson = null },
        };

        Assert.Equal(field, Spec.FirstDifference(changed));
    }
}
