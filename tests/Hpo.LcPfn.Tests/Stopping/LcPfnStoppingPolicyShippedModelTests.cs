using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.LcPfn.Tests.Stopping;

/// <summary>The LC-PFN policy with the real, shipped model (models/lcpfn-default.lcpfn, copied beside the tests).</summary>
[Collection(TorchCollection.Name)]
public sealed class LcPfnStoppingPolicyShippedModelTests
{
    private const int MaxEpochs = 50;

    // The incumbent: a finished trial that rose to 0.90.
    private static readonly TrialCurve Best = new(1, 1, [.. Enumerable.Range(1, MaxEpochs).Select(t => 0.9 - (0.5 * Math.Exp(-t / 5.0)))]);

    [Fact]
    public void Decide_PlateauFarBelowTheBest_Stops()
    {
        // Flat around 0.30 for ten epochs: nothing suggests it can climb past 0.90.
        var bad = new TrialCurve(2, 2, [0.27, 0.29, 0.30, 0.30, 0.31, 0.30, 0.31, 0.31, 0.30, 0.31]);

        var decision = Decide(bad);

        Assert.Equal(DecisionAction.Stop, decision.Action);
        Assert.True(decision.ProbabilityOfImprovement < 0.05, decision.Reason);
        Assert.True(decision.PredictedHigh < 0.9, decision.Reason);
    }

    [Fact]
    public void Decide_SteepRiseTowardsTheBest_Continues()
    {
        // Still rising fast at epoch 8 and already at 0.84: it may well end above 0.90.
        var good = new TrialCurve(3, 3, [0.40, 0.55, 0.64, 0.71, 0.76, 0.79, 0.82, 0.84]);

        var decision = Decide(good);

        Assert.Equal(DecisionAction.Continue, decision.Action);
        Assert.True(decision.ProbabilityOfImprovement >= 0.05, decision.Reason);
        Assert.True(decision.PredictedMedian > 0.84, decision.Reason);
    }

    private static StoppingDecision Decide(TrialCurve report)
    {
        using var predictor = LcPfnPredictor.LoadDefault();
        var policy = new LcPfnStoppingPolicy(predictor);
        var context = new StoppingContext(new MetricSettings(MetricDirection.Maximize, MaxEpochs, 0, 1), [Best, report]);
        return policy.Decide(context, [report])[0];
    }
}
