using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Asha;
using Hpo.Scheduler.Stopping.Hyperband;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class HyperbandStoppingPolicyTests
{
    private static readonly MetricSettings Metric = new(MetricDirection.Maximize, 52, 0, 1);

    [Fact]
    public void BracketsFor_52Epochs_FourBracketsStartingAt1_3_9_27()
    {
        var brackets = new HyperbandStoppingPolicy().BracketsFor(52);

        Assert.Equal([1, 3, 9, 27], brackets.Select(b => b.MinResource));
        Assert.Equal([1, 3, 9, 27], brackets[0].Epochs);
        Assert.Equal([9, 27], brackets[2].Epochs);
        Assert.Equal([27], brackets[3].Epochs);
    }

    [Fact]
    public void BracketsFor_Capped_UsesFirstBrackets()
    {
        Assert.Equal([1, 3], new HyperbandStoppingPolicy(new HyperbandOptions { Brackets = 2 }).BracketsFor(52).Select(b => b.MinResource));
    }

    [Fact]
    public void BracketOf_TrialNumbers_RoundRobin()
    {
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], Enumerable.Range(1, 8).Select(n => HyperbandStoppingPolicy.BracketOf(n, 4)));
    }

    [Fact]
    public void Decide_BracketWithLaterFirstRung_DoesNotJudgeEpochOne()
    {
        // Trial 2 is in bracket 1 (first rung 3): plain ASHA would stop it at epoch 1, Hyperband does not.
        var others = new[] { new TrialCurve(1, 1, [0.9]), new TrialCurve(3, 3, [0.9]), new TrialCurve(4, 4, [0.9]) };
        var report = new TrialCurve(2, 2, [0.1]);
        var context = new StoppingContext(Metric, [.. others, report]);

        Assert.Equal(DecisionAction.Continue, new HyperbandStoppingPolicy().Decide(context, [report])[0].Action);
        Assert.Equal(DecisionAction.Stop, new AshaStoppingPolicy().Decide(context, [report])[0].Action);
    }

    [Fact]
    public void Decide_ComparesOnlyWithinBracket()
    {
        // Trial 5 shares bracket 0 with trial 1 only; trials 2–4 are far better but in other brackets.
        var others = new[] { new TrialCurve(1, 1, [0.4]), new TrialCurve(2, 2, [0.9]), new TrialCurve(3, 3, [0.9]), new TrialCurve(4, 4, [0.9]) };
        var report = new TrialCurve(5, 5, [0.5]);
        var context = new StoppingContext(Metric, [.. others, report]);

        var decision = new HyperbandStoppingPolicy().Decide(context, [report])[0];

        Assert.Equal(DecisionAction.Continue, decision.Action);
        Assert.StartsWith("bracket 0", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionAction.Stop, new AshaStoppingPolicy().Decide(context, [report])[0].Action);
    }
}
