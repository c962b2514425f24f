using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Patience;
using Hpo.Scheduler.Stopping.Percentile;
using Hpo.Scheduler.Stopping.Threshold;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class BaselinePolicyTests
{
    private static readonly MetricSettings Max = new(MetricDirection.Maximize, 52, 0, 1);

    private static DecisionAction Decide(IStoppingPolicy policy, TrialCurve report, params TrialCurve[] others) =>
        policy.Decide(new StoppingContext(Max, [.. others, report]), [report])[0].Action;

    [Theory]
    [InlineData(0, new[] { 0.1, 0.2 }, DecisionAction.Continue)]
    [InlineData(0, new[] { 0.1, 0.2, 0.2 }, DecisionAction.Stop)]
    [InlineData(1, new[] { 0.1, 0.2, 0.2 }, DecisionAction.Continue)]
    [InlineData(1, new[] { 0.1, 0.2, 0.2, 0.15 }, DecisionAction.Stop)]
    [InlineData(2, new[] { 0.1, 0.2, 0.1, 0.1, 0.3 }, DecisionAction.Continue)]
    public void Patience_EpochsSinceFirstBest_StopsWhenMoreThanK(int k, double[] curve, DecisionAction expected)
    {
        Assert.Equal(expected, Decide(new PatienceStoppingPolicy(new PatienceOptions { K = k }), new TrialCurve(1, 1, curve)));
    }

    [Theory]
    [InlineData(0.24, DecisionAction.Stop)]
    [InlineData(0.25, DecisionAction.Continue)]
    [InlineData(0.26, DecisionAction.Continue)]
    public void Median_AtEpochFive_ComparesBestWithOthersMedian(double best, DecisionAction expected)
    {
        // Others at epoch 5: 0.1, 0.2, 0.3, 0.4 → median 0.25.
        var others = new[] { 0.1, 0.2, 0.3, 0.4 }.Select((v, i) => new TrialCurve(i + 2, i + 2, [0, 0, 0, 0, v])).ToArray();
        var report = new TrialCurve(1, 1, [0, best, 0, 0, 0]);

        Assert.Equal(expected, Decide(PercentileStoppingPolicy.Median(), report, others));
    }

    [Fact]
    public void Median_FewerThanMinTrialsAtEpoch_Continues()
    {
        var others = new[] { 0.8, 0.9, 0.95 }.Select((v, i) => new TrialCurve(i + 2, i + 2, [0, 0, 0, 0, v])).ToArray();

        Assert.Equal(DecisionAction.Continue, Decide(PercentileStoppingPolicy.Median(), new TrialCurve(1, 1, [0, 0, 0, 0, 0.01]), others));
    }

    [Fact]
    public void Median_BeforeMinEpochs_Continues()
    {
        var others = Enumerable.Range(2, 6).Select(i => new TrialCurve(i, i, [0.9, 0.9, 0.9, 0.9])).ToArray();

        Assert.Equal(DecisionAction.Continue, Decide(PercentileStoppingPolicy.Median(), new TrialCurve(1, 1, [0, 0, 0, 0]), others));
    }

    [Fact]
    public void Percentile_Top25_CutOffIsSeventyFifthPercentile()
    {
        // Others at epoch 5: 0.1 … 0.5 → 75th percentile 0.4 (linear interpolation).
        var others = new[] { 0.1, 0.2, 0.3, 0.4, 0.5 }.Select((v, i) => new TrialCurve(i + 2, i + 2, [0, 0, 0, 0, v])).ToArray();
        var policy = new PercentileStoppingPolicy(new PercentileOptions { Percentile = 25 });

        Assert.Equal(DecisionAction.Stop, Decide(policy, new TrialCurve(1, 1, [0, 0, 0, 0, 0.39]), others));
        Assert.Equal(DecisionAction.Continue, Decide(policy, new TrialCurve(1, 1, [0, 0, 0, 0, 0.4]), others));
    }

    [Fact]
    public void Quantile_LinearInterpolation_MatchesNumPy()
    {
        Assert.Equal(2.5, PercentileStoppingPolicy.Quantile([1, 2, 3, 4], 0.5));
        Assert.Equal(3.25, PercentileStoppingPolicy.Quantile([1, 2, 3, 4], 0.75));
    }

    [Fact]
    public void Threshold_Minimise_StopsLossAboveThreshold()
    {
        var policy = new ThresholdStoppingPolicy(new ThresholdOptions { Threshold = 0.5, MinEpochs = 2 });
        var min = new MetricSettings(MetricDirection.Minimize, 10);

        Assert.Equal(DecisionAction.Continue, policy.Decide(new StoppingContext(min, []), [new TrialCurve(1, 1, [0.9])])[0].Action);
        Assert.Equal(DecisionAction.Stop, policy.Decide(new StoppingContext(min, []), [new TrialCurve(1, 1, [0.9, 0.6])])[0].Action);
        Assert.Equal(DecisionAction.Continue, policy.Decide(new StoppingContext(min, []), [new TrialCurve(1, 1, [0.9, 0.4])])[0].Action);
    }

    [Fact]
    public void Threshold_NotFinite_ThrowsNamingThreshold()
    {
        var ex = Assert.Throws<HpoValidationException>(() => new ThresholdStoppingPolicy(new ThresholdOptions()));

        Assert.Contains("'threshold'", ex.Message, StringComparison.Ordinal);
    }
}
