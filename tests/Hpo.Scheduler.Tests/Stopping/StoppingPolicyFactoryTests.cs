using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Asha;
using Hpo.Scheduler.Stopping.FreezeThaw;
using Hpo.Scheduler.Stopping.Hyperband;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Stopping.None;
using Hpo.Scheduler.Stopping.Patience;
using Hpo.Scheduler.Stopping.Percentile;
using Hpo.Scheduler.Stopping.Threshold;
using Hpo.Scheduler.Tests.TestDoubles;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class StoppingPolicyFactoryTests
{
    private readonly StoppingPolicyFactory _factory = new(new ExtrapolatingCurvePredictor());

    [Theory]
    [InlineData("""{"type":"lcpfn"}""", typeof(LcPfnStoppingPolicy), "lcpfn")]
    [InlineData("""{"type":"asha","eta":2,"minResource":2}""", typeof(AshaStoppingPolicy), "asha")]
    [InlineData("""{"type":"asha-promote","eta":2,"minResource":2}""", typeof(AshaPromoteStoppingPolicy), "asha-promote")]
    [InlineData("""{"type":"freeze-thaw"}""", typeof(FreezeThawStoppingPolicy), "freeze-thaw")]
    [InlineData("""{"type":"hyperband","brackets":2}""", typeof(HyperbandStoppingPolicy), "hyperband")]
    [InlineData("""{"type":"median"}""", typeof(PercentileStoppingPolicy), "median")]
    [InlineData("""{"type":"percentile","percentile":25}""", typeof(PercentileStoppingPolicy), "percentile")]
    [InlineData("""{"type":"patience","k":0}""", typeof(PatienceStoppingPolicy), "patience")]
    [InlineData("""{"type":"threshold","threshold":0.5}""", typeof(ThresholdStoppingPolicy), "threshold")]
    [InlineData("""{"type":"none"}""", typeof(NoStoppingPolicy), "none")]
    public void Create_EachType_BuildsThatPolicy(string json, Type type, string name)
    {
        var policy = _factory.Create(json);

        Assert.IsType(type, policy);
        Assert.Equal(name, policy.Name);
    }

    [Fact]
    public void Create_LcPfnSettings_Applied()
    {
        var policy = Assert.IsType<LcPfnStoppingPolicy>(_factory.Create("""{"type":"lcpfn","delta":0.1,"minEpochs":3}"""));

        Assert.Equal(0.1, policy.Options.Delta);
        Assert.Equal(3, policy.Options.MinEpochs);
        Assert.Equal(LcPfnHorizon.FinalEpoch, policy.Options.Horizon);
    }

    [Theory]
    [InlineData("final", LcPfnHorizon.FinalEpoch)]
    [InlineData("remaining", LcPfnHorizon.AnyRemainingEpoch)]
    public void Create_LcPfnHorizon_Applied(string horizon, LcPfnHorizon expected)
    {
        var policy = Assert.IsType<LcPfnStoppingPolicy>(_factory.Create($$"""{"type":"lcpfn","horizon":"{{horizon}}"}"""));

        Assert.Equal(expected, policy.Options.Horizon);
    }

    [Fact]
    public void Create_AshaSettings_Applied()
    {
        var policy = Assert.IsType<AshaStoppingPolicy>(_factory.Create("""{"type":"asha","eta":2,"minResource":2}"""));

        Assert.Equal([2, 4, 8, 16], policy.RungsFor(20).Epochs);
    }

    [Theory]
    [InlineData("""{"type":"lcpfn","delta":0}""", "'delta'")]
    [InlineData("""{"type":"lcpfn","delta":1.5}""", "'delta'")]
    [InlineData("""{"type":"lcpfn","minEpochs":0}""", "'minEpochs'")]
    [InlineData("""{"type":"lcpfn","delat":0.1}""", "'delat'")]
    [InlineData("""{"type":"lcpfn","horizon":"last"}""", "'horizon'")]
    [InlineData("""{"type":"lcpfn","horizon":3}""", "'horizon'")]
    [InlineData("""{"type":"asha","eta":1}""", "'eta'")]
    [InlineData("""{"type":"asha","eta":2.5}""", "'eta'")]
    [InlineData("""{"type":"asha","minResource":0}""", "'minResource'")]
    [InlineData("""{"type":"asha-promote","eta":1}""", "'eta'")]
    [InlineData("""{"type":"asha-promote","minResource":0}""", "'minResource'")]
    [InlineData("""{"type":"asha-promote","delta":0.1}""", "'delta'")]
    [InlineData("""{"type":"freeze-thaw","delta":1}""", "'delta'")]
    [InlineData("""{"type":"freeze-thaw","minEpochs":0}""", "'minEpochs'")]
    [InlineData("""{"type":"freeze-thaw","rungs":[]}""", "'rungs'")]
    [InlineData("""{"type":"freeze-thaw","rungs":4}""", "'rungs'")]
    [InlineData("""{"type":"freeze-thaw","rungs":[2,0]}""", "'rungs[1]'")]
    [InlineData("""{"type":"freeze-thaw","rungs":[4,2]}""", "'rungs[1]'")]
    [InlineData("""{"type":"freeze-thaw","rungs":[2,"4"]}""", "'rungs[1]'")]
    [InlineData("""{"type":"freeze-thaw","acquisition":"ucb"}""", "'acquisition'")]
    [InlineData("""{"type":"freeze-thaw","resumeThreshold":0.01}""", "'resumeThreshold'")]
    [InlineData("""{"type":"freeze-thaw","resumeThreshold":1}""", "'resumeThreshold'")]
    [InlineData("""{"type":"freeze-thaw","populationFactor":0}""", "'populationFactor'")]
    [InlineData("""{"type":"freeze-thaw","eta":3}""", "'eta'")]
    [InlineData("""{"type":"freeze-thaw","startDelta":0.01,"budgetEpochs":100}""", "'startDelta'")]
    [InlineData("""{"type":"freeze-thaw","startDelta":1,"budgetEpochs":100}""", "'startDelta'")]
    [InlineData("""{"type":"freeze-thaw","startDelta":0.2}""", "'budgetEpochs'")]
    [InlineData("""{"type":"freeze-thaw","budgetEpochs":100}""", "'startDelta'")]
    [InlineData("""{"type":"freeze-thaw","startDelta":0.2,"budgetEpochs":0}""", "'budgetEpochs'")]
    [InlineData("""{"type":"hyperband","brackets":0}""", "'brackets'")]
    [InlineData("""{"type":"percentile","percentile":100}""", "'percentile'")]
    [InlineData("""{"type":"median","minTrials":1}""", "'minTrials'")]
    [InlineData("""{"type":"patience","k":-1}""", "'k'")]
    [InlineData("""{"type":"patience","k":"5"}""", "'k'")]
    [InlineData("""{"type":"threshold"}""", "'threshold'")]
    [InlineData("""{"type":"optuna"}""", "'type'")]
    [InlineData("""{"eta":3}""", "'type'")]
    [InlineData("""[]""", "JSON object")]
    [InlineData("""{"type":""", "not valid JSON")]
    [InlineData("", "empty")]
    [InlineData("""{"type":"asha","eta":3,"eta":1}""", "not valid JSON")]
    public void Create_BadSettings_ThrowsNamingField(string json, string expected)
    {
        var ex = Assert.Throws<HpoValidationException>(() => _factory.Create(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_FreezeThawSettings_Applied()
    {
        var policy = Assert.IsType<FreezeThawStoppingPolicy>(_factory.Create(
            """{"type":"freeze-thaw","delta":0.1,"minEpochs":3,"rungs":[3,9,27],"acquisition":"ei","populationFactor":2}"""));

        Assert.Equal(0.1, policy.Options.Delta);
        Assert.Equal(3, policy.Options.MinEpochs);
        Assert.Equal([3, 9, 27], policy.Options.Rungs);
        Assert.Equal(FreezeThawAcquisition.ExpectedImprovement, policy.Options.Acquisition);
        Assert.Equal(2, policy.Options.PopulationFactor);

        // An unset resume threshold follows a δ above its default.
        Assert.Equal(0.1, policy.Options.ResumeThreshold);
        Assert.Null(policy.Options.StartDelta);

        var budgetAware = Assert.IsType<FreezeThawStoppingPolicy>(_factory.Create("""{"type":"freeze-thaw","startDelta":0.2,"budgetEpochs":2080}"""));
        Assert.Equal(0.2, budgetAware.Options.StartDelta);
        Assert.Equal(2080, budgetAware.Options.BudgetEpochs);
    }

    [Fact]
    public void Validate_FreezeThawWithoutModel_ChecksSettingsOnly()
    {
        StoppingPolicyFactory.Validate("""{"type":"freeze-thaw","rungs":[2,4]}""");

        Assert.Contains("'rungs[1]'", Assert.Throws<HpoValidationException>(() => StoppingPolicyFactory.Validate("""{"type":"freeze-thaw","rungs":[4,4]}""")).Message, StringComparison.Ordinal);
        Assert.Contains("ICurvePredictor", Assert.Throws<HpoValidationException>(() => new StoppingPolicyFactory().Create("""{"type":"freeze-thaw"}""")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_LcPfnWithoutPredictor_ThrowsExplaining()
    {
        var ex = Assert.Throws<HpoValidationException>(() => new StoppingPolicyFactory().Create("""{"type":"lcpfn"}"""));

        Assert.Contains("ICurvePredictor", ex.Message, StringComparison.Ordinal);
    }
}
