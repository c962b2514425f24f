using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Asha;

namespace Hpo.Scheduler.Tests.Stopping;

/// <summary>Li et al. 2020, Algorithm 2, on a hand-built example: η 3, r_min 1, 20 epochs, so rungs at epochs 1, 3 and 9.</summary>
public sealed class AshaPromoteStoppingPolicyTests
{
    private static readonly MetricSettings Metric = new(MetricDirection.Maximize, 20, 0, 1);
    private readonly AshaPromoteStoppingPolicy _policy = new();

    // Six trials paused at rung 1 with values 0.5, 0.9, 0.7, 0.3, 0.8, 0.6.
    private static TrialCurve[] SixAtRungOne() =>
        [T(1, 0.5), T(2, 0.9), T(3, 0.7), T(4, 0.3), T(5, 0.8), T(6, 0.6)];

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(9, true)]
    [InlineData(10, false)]
    [InlineData(19, false)]
    public void Decide_RungEpochs_PauseOthersContinue(int epoch, bool pauses)
    {
        var curve = new TrialCurve(1, 1, Enumerable.Repeat(0.5, epoch).ToArray());

        var decision = Assert.Single(_policy.Decide(new StoppingContext(Metric, [curve]), [curve]));

        Assert.Equal(pauses ? DecisionAction.Pause : DecisionAction.Continue, decision.Action);
    }

    [Fact]
    public void ChooseSlot_SixAtRungOne_PromotesBestOfTopThird()
    {
        var curves = SixAtRungOne();

        var choice = Choose(curves, curves);

        Assert.Equal(SlotAction.Resume, choice.Action);
        Assert.Equal(2, choice.ResumeTrialId);
    }

    [Fact]
    public void ChooseSlot_BestAlreadyPromoted_PromotesSecondOfTopThird()
    {
        // Trial 2 went on to rung 3, where it is alone (⌊1/3⌋ = 0 promotable there).
        var curves = SixAtRungOne().Select(c => c.TrialId == 2 ? T(2, 0.9, 0.9, 0.91) : c).ToArray();

        var choice = Choose(curves, curves);

        Assert.Equal(SlotAction.Resume, choice.Action);
        Assert.Equal(5, choice.ResumeTrialId);
    }

    [Fact]
    public void ChooseSlot_TopThirdAllPromoted_StartsNewOrIdles()
    {
        // Trials 2 and 5 both promoted to rung 3: its two trials promote none, and rung 1's top two are gone.
        var curves = SixAtRungOne().Select(c => c.TrialId switch
        {
            2 => T(2, 0.9, 0.9, 0.91),
            5 => T(5, 0.8, 0.8, 0.85),
            _ => c,
        }).ToArray();

        Assert.Equal(SlotAction.StartNew, Choose(curves, curves).Action);
        Assert.Equal(SlotAction.Idle, Choose(curves, curves, canStartNew: false).Action);
    }

    [Fact]
    public void ChooseSlot_PromotableAtTwoRungs_HighestRungFirst()
    {
        // Rung 3: trials 2, 5, 7 (0.91, 0.85, 0.97): top 1 is trial 7. Rung 1: nine trials, top 3 are
        // 7 (0.95), 2 (0.9) and 8 (0.85); 7 and 2 are promoted, so 8 is promotable too, but rung 3 goes first.
        var curves = SixAtRungOne().Select(c => c.TrialId switch
        {
            2 => T(2, 0.9, 0.9, 0.91),
            5 => T(5, 0.8, 0.8, 0.85),
            _ => c,
        }).Concat([T(7, 0.95, 0.96, 0.97), T(8, 0.85), T(9, 0.2)]).ToArray();

        var choice = Choose(curves, curves);

        Assert.Equal(SlotAction.Resume, choice.Action);
        Assert.Equal(7, choice.ResumeTrialId);

        // Once 7 has moved on to rung 9, rung 1's trial 8 is next.
        var after = curves.Select(c => c.TrialId == 7 ? T(7, 0.95, 0.96, 0.97, 0.97, 0.97, 0.98, 0.98, 0.98, 0.98) : c).ToArray();
        var next = Choose(after, after);
        Assert.Equal(8, next.ResumeTrialId);
    }

    [Fact]
    public void ChooseSlot_CandidateStillRunning_NotResumed()
    {
        // Trial 2 is in rung 1's top third but running (not in the paused list), so trial 5 is the one to resume.
        var curves = SixAtRungOne();

        var choice = Choose(curves, curves.Where(c => c.TrialId != 2).ToArray());

        Assert.Equal(5, choice.ResumeTrialId);
    }

    [Fact]
    public void ChooseSlot_Minimize_PromotesSmallest()
    {
        var metric = Metric with { Direction = MetricDirection.Minimize };
        var curves = SixAtRungOne();

        var choice = _policy.ChooseSlot(new StoppingContext(metric, curves), curves, canStartNew: true);

        Assert.Equal(4, choice.ResumeTrialId);
    }

    private SlotChoice Choose(TrialCurve[] curves, IReadOnlyList<TrialCurve> pausedCandidates, bool canStartNew = true)
    {
        // A trial waits at a rung when its curve ends there.
        var rungs = _policy.RungsFor(Metric.MaxEpochs);
        var paused = pausedCandidates.Where(c => rungs.IsRung(c.Epoch)).ToArray();
        return _policy.ChooseSlot(new StoppingContext(Metric, curves), paused, canStartNew);
    }

    private static TrialCurve T(int id, params double[] values) => new(id, id, values);
}
