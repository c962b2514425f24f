using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.FreezeThaw;
using Hpo.Scheduler.Tests.TestDoubles;

namespace Hpo.Scheduler.Tests.Stopping;

/// <summary>
/// The freeze-thaw policy with the extrapolating test predictor (a Gaussian around the line through the last three
/// points, sd 0.02 + 0.01 per epoch ahead) on 20-epoch curves; the finished background trials' best is 0.795.
/// </summary>
public sealed class FreezeThawStoppingPolicyTests
{
    private const int MaxEpochs = 20;

    // Rising steeply at epoch 4: predicted final clamped at 1, P(beat 0.795) ≈ 0.87.
    private static readonly TrialCurve Promising = new(11, 11, [0.70, 0.74, 0.76, 0.78]);

    // Rising slowly: predicted final ≈ 0.655, P ≈ 0.22 (above δ, below the promising one).
    private static readonly TrialCurve Modest = new(12, 12, [0.50, 0.52, 0.53, 0.535]);

    // Flat at 0.3: P ≈ 0.003 < δ.
    private static readonly TrialCurve Hopeless = new(13, 13, [0.3, 0.3, 0.3, 0.3]);

    [Fact]
    public void ChooseSlot_TwoPausedCurves_ResumesTheMorePromisingAndStopsTheHopelessForGood()
    {
        var policy = new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor());

        var choice = policy.ChooseSlot(Context(Modest, Promising, Hopeless), [Promising, Modest, Hopeless], canStartNew: true);

        Assert.Equal(SlotAction.Resume, choice.Action);
        Assert.Equal(Promising.TrialId, choice.ResumeTrialId);
        Assert.Equal([Hopeless.TrialId], choice.StopForGood);
    }

    [Fact]
    public void ChooseSlot_OnlyHopelessPaused_StartsNewAndStopsItForGood()
    {
        var policy = new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor());

        var choice = policy.ChooseSlot(Context(Hopeless), [Hopeless], canStartNew: true);
        var noNew = policy.ChooseSlot(Context(Hopeless), [Hopeless], canStartNew: false);

        Assert.Equal(SlotAction.StartNew, choice.Action);
        Assert.Equal([Hopeless.TrialId], choice.StopForGood);
        Assert.Equal(SlotAction.Idle, noNew.Action);
        Assert.Equal([Hopeless.TrialId], noNew.StopForGood);
    }

    [Theory]
    [InlineData(0.1, SlotAction.Resume)]
    [InlineData(0.3, SlotAction.StartNew)]
    public void ChooseSlot_ThresholdAcquisition_ResumesOnlyAboveTheResumeThreshold(double threshold, SlotAction expected)
    {
        var policy = new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor(), new FreezeThawOptions { Acquisition = FreezeThawAcquisition.Threshold, ResumeThreshold = threshold });

        var choice = policy.ChooseSlot(Context(Modest), [Modest], canStartNew: true);
        var noNew = policy.ChooseSlot(Context(Modest), [Modest], canStartNew: false);

        Assert.Equal(expected, choice.Action);
        Assert.Equal(SlotAction.Resume, noNew.Action);
    }

    [Theory]
    [InlineData(FreezeThawAcquisition.Population, 1, SlotAction.Resume)]
    [InlineData(FreezeThawAcquisition.Population, 10, SlotAction.StartNew)]
    [InlineData(FreezeThawAcquisition.ExpectedImprovement, 1, SlotAction.Resume)]
    [InlineData(FreezeThawAcquisition.ExpectedImprovement, 1000, SlotAction.StartNew)]
    public void ChooseSlot_PopulationAcquisitions_CompareWithTheMeanOverStartedTrials(FreezeThawAcquisition acquisition, double factor, SlotAction expected)
    {
        // Mean P over the nine trials ≈ (0.87 + 0.22 + 0.003) / 9 ≈ 0.12: the promising trial beats it, but not tenfold.
        var policy = new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor(), new FreezeThawOptions { Acquisition = acquisition, PopulationFactor = factor });

        var choice = policy.ChooseSlot(Context(Modest, Promising, Hopeless), [Promising, Modest, Hopeless], canStartNew: true);

        Assert.Equal(expected, choice.Action);
        if (expected == SlotAction.Resume)
        {
            Assert.Equal(Promising.TrialId, choice.ResumeTrialId);
        }

        Assert.Equal([Hopeless.TrialId], choice.StopForGood);
    }

    [Fact]
    public void Decide_RungNonRungAndHopeless_PauseContinueStop()
    {
        var policy = new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor(), new FreezeThawOptions { Rungs = [4, 8] });
        var atThree = new TrialCurve(14, 14, [0.70, 0.74, 0.76]);
        var context = Context(Promising, atThree, Hopeless);

        var decisions = policy.Decide(context, [Promising, atThree, Hopeless]);

        Assert.Equal([DecisionAction.Pause, DecisionAction.Continue, DecisionAction.Stop], decisions.Select(d => d.Action));
        Assert.All(decisions, d => Assert.NotNull(d.ProbabilityOfImprovement));
    }

    [Theory]
    [InlineData(1000, DecisionAction.Stop)]
    [InlineData(124, DecisionAction.Pause)]
    public void Decide_BudgetAwareDelta_StopsAModestTrialOnlyWhileLittleOfTheBudgetIsSpent(int budgetEpochs, DecisionAction expected)
    {
        // 124 epochs are spent (six 20-epoch trials and Modest's 4): with a 1000-epoch budget δ ≈ 0.05 + 0.45 × 0.876 ≈ 0.44
        // is above Modest's P ≈ 0.22; once the budget is spent δ is back at 0.05 and Modest pauses at its rung.
        var policy = new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor(), new FreezeThawOptions { StartDelta = 0.5, BudgetEpochs = budgetEpochs });

        var decision = Assert.Single(policy.Decide(Context(Modest), [Modest]));
        var slot = policy.ChooseSlot(Context(Modest), [Modest], canStartNew: true);

        Assert.Equal(expected, decision.Action);
        Assert.Contains("budget-aware δ", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(expected == DecisionAction.Stop ? [Modest.TrialId] : [], slot.StopForGood);
    }

    [Theory]
    [InlineData(0, 0.25)]
    [InlineData(500, 0.15)]
    [InlineData(1000, 0.05)]
    [InlineData(5000, 0.05)]
    public void DeltaAfter_StartDeltaAndBudget_FallsLinearlyToDelta(long spent, double expected)
    {
        var options = new FreezeThawOptions { StartDelta = 0.25, BudgetEpochs = 1000 }.Validate();

        Assert.Equal(expected, options.DeltaAfter(spent), 12);
        Assert.Equal(0.05, new FreezeThawOptions().DeltaAfter(spent));
    }

    [Fact]
    public void Decide_RungBeforeMinEpochs_PausesWithoutAskingTheModel()
    {
        var predictor = new ExtrapolatingCurvePredictor();
        var policy = new FreezeThawStoppingPolicy(predictor, new FreezeThawOptions { Rungs = [1, 2, 4] });
        var first = new TrialCurve(14, 14, [0.2]);

        var decision = Assert.Single(policy.Decide(Context(first), [first]));

        Assert.True(decision.ShouldPause);
        Assert.Empty(predictor.Queries);
    }

    [Fact]
    public void PlanQueries_DecideAndChooseSlot_SendExactlyThePlannedQueriesInOneCallEach()
    {
        var predictor = new ExtrapolatingCurvePredictor();
        var policy = new FreezeThawStoppingPolicy(predictor, new FreezeThawOptions { Acquisition = FreezeThawAcquisition.Population });
        var context = Context(Modest, Promising, Hopeless);
        TrialCurve[] paused = [Promising, Modest, Hopeless];

        var decideQueries = policy.PlanQueries(context, [Promising, Modest]);
        policy.Decide(context, [Promising, Modest]);
        var slotQueries = policy.PlanSlotQueries(context, paused);
        policy.ChooseSlot(context, paused, canStartNew: true);

        Assert.Equal([2, 3], predictor.BatchSizes);
        Assert.Equal(decideQueries.Concat(slotQueries).Select(q => q.Observed.ToArray()), predictor.Queries.Select(q => q.Observed.ToArray()));
    }

    private static StoppingContext Context(params TrialCurve[] extra)
    {
        var background = new[] { 0.70, 0.72, 0.74, 0.76, 0.78, 0.80 }
            .Select((a, i) => new TrialCurve(i + 1, i + 1, Enumerable.Range(1, MaxEpochs).Select(t => a * (1 - Math.Exp(-t / 4.0))).ToArray()));
        return new StoppingContext(new MetricSettings(MetricDirection.Maximize, MaxEpochs, 0, 1), background.Concat(extra).ToArray());
    }
}
