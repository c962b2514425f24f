using Hpo.Benchmarks;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.FreezeThaw;
using Hpo.Scheduler.Tests.TestDoubles;

namespace Hpo.Benchmarks.Tests;

public sealed class OracleSlotFreezeThawPolicyTests
{
    // Trial 0 climbs past the best (0.6) after epoch 2; trial 1 never beats it; trial 2 holds it.
    private static readonly LcBenchPool Pool = new("1", [[0.1, 0.2, 0.3, 0.9], [0.5, 0.5, 0.5, 0.5], [0.6, 0.6, 0.6, 0.6]]);
    private static readonly MetricSettings Metric = new(MetricDirection.Maximize, 4, 0, 1);
    private static readonly TrialCurve Climber = new(0, 1, [0.1, 0.2]);
    private static readonly TrialCurve Flat = new(1, 2, [0.5, 0.5]);
    private static readonly TrialCurve Leader = new(2, 3, [0.6, 0.6]);

    [Fact]
    public void ChooseSlot_APausedTrialWillBeatTheBest_ResumesIt()
    {
        var choice = Policy().ChooseSlot(Context(), [Climber, Flat], canStartNew: true);

        Assert.Equal(SlotAction.Resume, choice.Action);
        Assert.Equal(Climber.TrialId, choice.ResumeTrialId);
    }

    [Fact]
    public void ChooseSlot_NoPausedTrialWillBeatTheBest_StartsANewConfiguration()
    {
        var choice = Policy().ChooseSlot(Context(), [Flat], canStartNew: true);

        Assert.Equal(SlotAction.StartNew, choice.Action);
        Assert.Empty(choice.StopForGood);
    }

    [Fact]
    public void ChooseSlot_NoNewConfigurationMayStart_ResumesThePausedTrialThatGoesHighest()
    {
        var choice = Policy().ChooseSlot(Context(), [Flat], canStartNew: false);

        Assert.Equal(SlotAction.Resume, choice.Action);
        Assert.Equal(Flat.TrialId, choice.ResumeTrialId);
    }

    [Fact]
    public void ChooseSlot_NothingPausedAndNoNewConfigurationMayStart_StaysIdle()
    {
        var choice = Policy().ChooseSlot(Context(), [], canStartNew: false);

        Assert.Equal(SlotAction.Idle, choice.Action);
    }

    [Fact]
    public void Decide_AfterAnEpoch_DecidesAsTheFreezeThawPolicyItWraps()
    {
        var inner = new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor(), new FreezeThawOptions { Rungs = [2] });
        var policy = new OracleSlotFreezeThawPolicy(inner, Pool);
        TrialCurve[] reports = [new(0, 1, [0.3, 0.5]), Flat, new(2, 3, [0.6, 0.6, 0.6])];

        var expected = inner.Decide(Context(), reports);
        var actual = policy.Decide(Context(), reports);

        Assert.Equal(expected.Select(d => d.Action), actual.Select(d => d.Action));
        Assert.Equal(expected.Select(d => d.Reason), actual.Select(d => d.Reason));
        Assert.Equal([DecisionAction.Pause, DecisionAction.Stop, DecisionAction.Continue], actual.Select(d => d.Action));
    }

    [Fact]
    public void ParseList_FreezeThawOracleSlot_BuildsThisPolicyForThePoolAndNeedsAModel()
    {
        var parsed = Assert.Single(BenchmarkPolicy.ParseList("freeze-thaw-oracle-slot:rungs=1/2", 0.05, new ExtrapolatingCurvePredictor()));

        var policy = Assert.IsType<OracleSlotFreezeThawPolicy>(parsed.For(Pool));
        Assert.Equal("freeze-thaw-oracle-slot(rungs=1/2)", parsed.Name);
        Assert.Equal([1, 2], policy.Inner.Options.Rungs);
        Assert.True(BenchmarkPolicy.NeedsPredictor("none,freeze-thaw-oracle-slot"));
        Assert.Contains("--model", Assert.Throws<ArgumentException>(() => BenchmarkPolicy.ParseList("freeze-thaw-oracle-slot", 0.05, null)).Message, StringComparison.Ordinal);
    }

    private static OracleSlotFreezeThawPolicy Policy() => new(new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor()), Pool);

    private static StoppingContext Context() => new(Metric, [Climber, Flat, Leader], 0.6);
}
