using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Asha;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class AshaStoppingPolicyTests
{
    private static readonly MetricSettings Metric = new(MetricDirection.Maximize, 52, 0, 1);

    [Theory]
    [InlineData(3, 1, 52, new[] { 1, 3, 9, 27 })]
    [InlineData(3, 1, 27, new[] { 1, 3, 9 })]
    [InlineData(2, 2, 20, new[] { 2, 4, 8, 16 })]
    [InlineData(4, 3, 100, new[] { 3, 12, 48 })]
    [InlineData(3, 60, 52, new int[0])]
    public void RungsFor_EtaAndMinResource_GeometricRungsBelowMaxEpochs(int eta, int minResource, int maxEpochs, int[] expected)
    {
        var policy = new AshaStoppingPolicy(new AshaOptions { Eta = eta, MinResource = minResource });

        Assert.Equal(expected, policy.RungsFor(maxEpochs).Epochs);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(9, 3)]
    [InlineData(10, 3)]
    public void PromotableCount_Eta3_FloorOfOneThirdAtLeastOne(int count, int expected)
    {
        Assert.Equal(expected, new AshaRungs(3, 1, 52).PromotableCount(count));
    }

    [Theory]
    [InlineData(0.75, DecisionAction.Continue)]
    [InlineData(0.70, DecisionAction.Continue)]
    [InlineData(0.65, DecisionAction.Stop)]
    public void Decide_AtRung_OnlyTopThirdContinues(double value, DecisionAction expected)
    {
        // Nine trials reached rung 3 with 0.1 … 0.9; with the reporter that makes ten values, three continue.
        var others = Enumerable.Range(1, 9).Select(i => new TrialCurve(i, i, [0.05, 0.05, i / 10.0])).ToList();
        var report = new TrialCurve(10, 10, [0.05, 0.05, value]);
        var context = new StoppingContext(Metric, [.. others, report]);

        var decision = Assert.Single(new AshaStoppingPolicy().Decide(context, [report]));

        Assert.Equal(expected, decision.Action);
        Assert.Contains("top 3 of 10", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_BetweenRungs_Continues()
    {
        var report = new TrialCurve(2, 2, [0.0, 0.0]);
        var context = new StoppingContext(Metric, [new TrialCurve(1, 1, [0.9, 0.9]), report]);

        Assert.Equal(DecisionAction.Continue, new AshaStoppingPolicy().Decide(context, [report])[0].Action);
    }

    [Fact]
    public void Decide_FirstToReachRung_Continues()
    {
        var report = new TrialCurve(1, 1, [0.01]);

        Assert.Equal(DecisionAction.Continue, new AshaStoppingPolicy().Decide(new StoppingContext(Metric, [report]), [report])[0].Action);
    }

    [Fact]
    public void Decide_SecondWorseAtRung_Stops()
    {
        var report = new TrialCurve(2, 2, [0.2]);
        var context = new StoppingContext(Metric, [new TrialCurve(1, 1, [0.5]), report]);

        Assert.Equal(DecisionAction.Stop, new AshaStoppingPolicy().Decide(context, [report])[0].Action);
    }

    [Fact]
    public void Options_EtaBelowTwo_ThrowsNamingEta()
    {
        var ex = Assert.Throws<HpoValidationException>(() => new AshaStoppingPolicy(new AshaOptions { Eta = 1 }));

        Assert.Contains("'eta'", ex.Message, StringComparison.Ordinal);
    }
}
