using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Tests.Experiments;

public sealed class ExperimentOptionsTests
{
    [Fact]
    public void FromSettingsJson_KnownFields_ReadOthersIgnored()
    {
        var options = ExperimentOptions.FromSettingsJson("""{"concurrency":2,"maxTrials":40,"maxTotalEpochs":2080,"maxWallTimeSeconds":600,"seed":7,"leaseSeconds":60,"workload":{"type":"lcbench","task":"3945"}}""");

        Assert.Equal(2, options.Concurrency);
        Assert.Equal(40, options.MaxTrials);
        Assert.Equal(2080, options.MaxTotalEpochs);
        Assert.Equal(TimeSpan.FromMinutes(10), options.MaxWallTime);
        Assert.Equal(7, options.Seed);
        Assert.Equal(TimeSpan.FromMinutes(1), options.LeaseDuration);
    }

    [Fact]
    public void ToSettingsJson_RoundTrips()
    {
        var options = new ExperimentOptions { Concurrency = 3, MaxTrials = 9, MaxTotalEpochs = 100, MaxWallTime = TimeSpan.FromSeconds(90), Seed = 4 };

        var again = ExperimentOptions.FromSettingsJson(options.ToSettingsJson().ToJsonString());

        Assert.Equal(options.ToSettingsJson().ToJsonString(), again.ToSettingsJson().ToJsonString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void FromSettingsJson_Nothing_Defaults(string? json)
    {
        var options = ExperimentOptions.FromSettingsJson(json);

        Assert.Equal(4, options.Concurrency);
        Assert.Equal(20, options.MaxTrials);
        Assert.Null(options.MaxTotalEpochs);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LeaseDuration);
    }

    [Theory]
    [InlineData("""{"maxTrials":"ten"}""", "'maxTrials'")]
    [InlineData("""{"concurrency":1.5}""", "'concurrency'")]
    [InlineData("""{"maxTrials":0}""", "'MaxTrials'")]
    [InlineData("""{"maxWallTimeSeconds":-5}""", "'MaxWallTime'")]
    [InlineData("""[1]""", "'SettingsJson'")]
    [InlineData("""{"leaseSeconds":0}""", "'LeaseDuration'")]
    public void FromSettingsJson_BadField_ThrowsNamingIt(string json, string field)
    {
        var ex = Assert.Throws<HpoValidationException>(() => ExperimentOptions.FromSettingsJson(json));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }
}
