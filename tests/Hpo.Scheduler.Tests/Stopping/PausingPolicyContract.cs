using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;

namespace Hpo.Scheduler.Tests.Stopping;

/// <summary>
/// What every pausing policy (an <see cref="IStoppingPolicy"/> that is also an <see cref="ISlotPolicy"/>) must do,
/// on top of <see cref="StoppingPolicyContract"/>'s curves: pause a promising trial at a rung rather than stop it,
/// resume the eventual best rather than the clearly worse trial when both wait at the same rung, start a new
/// configuration when nothing is paused, and choose deterministically.
/// </summary>
public abstract class PausingPolicyContract : StoppingPolicyContract
{
    /// <summary>An epoch at which the policy pauses a promising trial of <see cref="StoppingPolicyContract.MaxEpochs"/> epochs.</summary>
    protected abstract int RungEpoch { get; }

    private ISlotPolicy SlotPolicy(MetricDirection direction) => Assert.IsAssignableFrom<ISlotPolicy>(CreatePolicy(direction));

    [Fact]
    public void Decide_EventualBestAtRung_Paused()
    {
        var policy = CreatePolicy(MetricDirection.Maximize);
        var context = Context(MetricDirection.Maximize, [new TrialCurve(7, 7, EventualBest[..RungEpoch])]);

        var decision = Assert.Single(policy.Decide(context, [context.Curves.Single(c => c.TrialId == 7)]));

        Assert.True(decision.ShouldPause, decision.Reason);
    }

    [Theory]
    [InlineData(MetricDirection.Maximize)]
    [InlineData(MetricDirection.Minimize)]
    public void ChooseSlot_WorseAndBestPausedAtRung_ResumesBest(MetricDirection direction)
    {
        var context = Context(direction, [new TrialCurve(7, 7, Worse[..RungEpoch]), new TrialCurve(8, 8, EventualBest[..RungEpoch])]);
        var paused = context.Curves.Where(c => c.TrialId >= 7).ToArray();

        var choice = SlotPolicy(direction).ChooseSlot(context, paused, canStartNew: true);

        Assert.Equal(SlotAction.Resume, choice.Action);
        Assert.Equal(8, choice.ResumeTrialId);
        Assert.DoesNotContain(8L, choice.StopForGood);
        Assert.False(string.IsNullOrWhiteSpace(choice.Reason));
    }

    [Fact]
    public void ChooseSlot_NothingPaused_StartsNewOrIdles()
    {
        var context = Context(MetricDirection.Maximize, []);
        var policy = SlotPolicy(MetricDirection.Maximize);

        Assert.Equal(SlotAction.StartNew, policy.ChooseSlot(context, [], canStartNew: true).Action);
        Assert.Equal(SlotAction.Idle, policy.ChooseSlot(context, [], canStartNew: false).Action);
    }

    [Fact]
    public void ChooseSlot_SameInputs_SameChoice()
    {
        var context = Context(MetricDirection.Maximize, [new TrialCurve(7, 7, Worse[..RungEpoch]), new TrialCurve(8, 8, EventualBest[..RungEpoch])]);
        var paused = context.Curves.Where(c => c.TrialId >= 7).ToArray();

        var first = SlotPolicy(MetricDirection.Maximize).ChooseSlot(context, paused, canStartNew: true);
        var second = SlotPolicy(MetricDirection.Maximize).ChooseSlot(context, paused, canStartNew: true);

        Assert.Equal(first.Action, second.Action);
        Assert.Equal(first.ResumeTrialId, second.ResumeTrialId);
        Assert.Equal(first.StopForGood, second.StopForGood);
    }
}
