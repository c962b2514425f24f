using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Tests.TestDoubles;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class LcPfnStoppingPolicyTests
{
    private static double[] Rising(double a, int epochs) => Enumerable.Range(1, epochs).Select(t => a * (1 - Math.Exp(-t / 4.0))).ToArray();

    [Fact]
    public void Decide_ManyReports_OnePredictorCall()
    {
        var predictor = new ExtrapolatingCurvePredictor();
        var policy = new LcPfnStoppingPolicy(predictor);
        var reports = new[]
        {
            new TrialCurve(1, 1, Rising(0.9, 5)),
            new TrialCurve(2, 2, Rising(0.8, 3)),
            new TrialCurve(3, 3, Rising(0.7, 1)),
            new TrialCurve(4, 4, Rising(0.6, 8)),
        };
        var context = new StoppingContext(new MetricSettings(MetricDirection.Maximize, 20, 0, 1), reports);

        var decisions = policy.Decide(context, reports);

        Assert.Equal([3], predictor.BatchSizes);
        Assert.Equal(4, decisions.Count);
        Assert.Null(decisions[2].ProbabilityOfImprovement);
        Assert.Contains("minEpochs", decisions[2].Reason, StringComparison.Ordinal);
        Assert.All(new[] { decisions[0], decisions[1], decisions[3] }, d => Assert.NotNull(d.ProbabilityOfImprovement));
    }

    [Fact]
    public void Decide_DefaultHorizon_QueriesOnlyTheFinalEpoch()
    {
        var predictor = new ExtrapolatingCurvePredictor();
        var report = new TrialCurve(1, 1, Rising(0.9, 5));

        new LcPfnStoppingPolicy(predictor).Decide(new StoppingContext(new MetricSettings(MetricDirection.Maximize, 20, 0, 1), [report]), [report]);

        var query = Assert.Single(predictor.Queries);
        Assert.Equal([20], query.QueryEpochs);
        Assert.Equal(report.Values, query.Observed);
    }

    [Fact]
    public void Decide_RemainingHorizonAtEpochFive_QueriesEveryRemainingEpoch()
    {
        var predictor = new ExtrapolatingCurvePredictor();
        var report = new TrialCurve(1, 1, Rising(0.9, 5));
        var policy = new LcPfnStoppingPolicy(predictor, new LcPfnPolicyOptions { Horizon = LcPfnHorizon.AnyRemainingEpoch });

        policy.Decide(new StoppingContext(new MetricSettings(MetricDirection.Maximize, 20, 0, 1), [report]), [report]);

        var query = Assert.Single(predictor.Queries);
        Assert.Equal(Enumerable.Range(6, 15), query.QueryEpochs);
        Assert.Equal(report.Values, query.Observed);
    }

    [Fact]
    public void Decide_CurveDecliningJustBelowBest_FinalHorizonStopsRemainingHorizonContinues()
    {
        // A curve that is past its peak, 0.04 below the best: the next epochs may still beat the best
        // (P ≈ 0.16 at epoch 4) but the final epoch, 16 epochs further down the slope, almost surely not.
        var best = new TrialCurve(1, 1, [0.5, 0.7, 0.9]);
        var declining = new TrialCurve(2, 2, [0.88, 0.87, 0.86]);
        var context = new StoppingContext(new MetricSettings(MetricDirection.Maximize, 20, 0, 1), [best, declining]);
        var predictor = new ExtrapolatingCurvePredictor(baseSd: 0.05, sdPerEpoch: 0);

        var final = new LcPfnStoppingPolicy(predictor).Decide(context, [declining])[0];
        var remaining = new LcPfnStoppingPolicy(predictor, new LcPfnPolicyOptions { Horizon = LcPfnHorizon.AnyRemainingEpoch }).Decide(context, [declining])[0];

        Assert.Equal(DecisionAction.Stop, final.Action);
        Assert.InRange(final.ProbabilityOfImprovement!.Value, 0, 0.001);
        Assert.Equal(DecisionAction.Continue, remaining.Action);
        Assert.InRange(remaining.ProbabilityOfImprovement!.Value, 0.1, 0.2);
        // Both report the same final-epoch prediction; only the statistic differs.
        Assert.Equal(final.PredictedMedian!.Value, remaining.PredictedMedian!.Value, 12);
    }

    [Fact]
    public void Decide_MinimisedLossWithBounds_NormalisedHigherIsBetter()
    {
        var predictor = new ExtrapolatingCurvePredictor();
        var report = new TrialCurve(1, 1, [1.5, 1.0, 0.5]);

        new LcPfnStoppingPolicy(predictor).Decide(new StoppingContext(new MetricSettings(MetricDirection.Minimize, 10, 0, 2), [report]), [report]);

        Assert.Equal([0.25, 0.5, 0.75], Assert.Single(predictor.Queries).Observed);
    }

    [Theory]
    [InlineData(MetricDirection.Maximize)]
    [InlineData(MetricDirection.Minimize)]
    public void Decide_PredictedBand_InMetricUnitsAtFinalEpoch(MetricDirection direction)
    {
        var predictor = new ExtrapolatingCurvePredictor();
        var model = new[] { 0.2, 0.3, 0.35, 0.4 };
        var metric = direction == MetricDirection.Maximize ? model.Select(z => 2 * z).ToArray() : model.Select(z => 2 * (1 - z)).ToArray();
        var report = new TrialCurve(1, 1, metric);

        var d = new LcPfnStoppingPolicy(predictor).Decide(new StoppingContext(new MetricSettings(direction, 10, 0, 2), [report]), [report])[0];

        // Recompute the final-epoch distribution from the same predictor and map it to metric units by hand.
        var final = predictor.Predict([new Hpo.Scheduler.Prediction.CurveQuery(model, [10])])[0].AtEpoch[0];
        double ToMetric(double z) => direction == MetricDirection.Maximize ? 2 * z : 2 * (1 - z);
        Assert.Equal(ToMetric(final.Quantile(0.5)), d.PredictedMedian!.Value, 9);
        Assert.Equal(Math.Min(ToMetric(final.Quantile(0.05)), ToMetric(final.Quantile(0.95))), d.PredictedLow!.Value, 9);
        Assert.Equal(Math.Max(ToMetric(final.Quantile(0.05)), ToMetric(final.Quantile(0.95))), d.PredictedHigh!.Value, 9);
        Assert.True(d.PredictedLow < d.PredictedMedian && d.PredictedMedian < d.PredictedHigh);
    }

    [Fact]
    public void Decide_FlatCurveFarBelowBest_StopsWithProbabilityBelowDelta()
    {
        var best = new TrialCurve(1, 1, Rising(0.9, 20));
        var flat = new TrialCurve(2, 2, [0.3, 0.3, 0.3, 0.3]);
        var context = new StoppingContext(new MetricSettings(MetricDirection.Maximize, 20, 0, 1), [best, flat]);

        var d = new LcPfnStoppingPolicy(new ExtrapolatingCurvePredictor(), new LcPfnPolicyOptions { Delta = 0.05 }).Decide(context, [flat])[0];

        Assert.Equal(DecisionAction.Stop, d.Action);
        Assert.InRange(d.ProbabilityOfImprovement!.Value, 0, 0.05);
        Assert.Equal(0.3, d.PredictedMedian!.Value, 6);
    }

    [Fact]
    public void Decide_Delta_SetsTheBar()
    {
        var best = new TrialCurve(1, 1, [0.5, 0.6, 0.62]);
        var other = new TrialCurve(2, 2, [0.5, 0.55, 0.58]);
        // One epoch left: the prediction is N(0.62, 0.03²) against a best of 0.62, so p is near one half.
        var context = new StoppingContext(new MetricSettings(MetricDirection.Maximize, 4, 0, 1), [best, other]);
        double p = new LcPfnStoppingPolicy(new ExtrapolatingCurvePredictor()).Decide(context, [other])[0].ProbabilityOfImprovement!.Value;

        Assert.InRange(p, 0.3, 0.7);
        var strict = new LcPfnStoppingPolicy(new ExtrapolatingCurvePredictor(), new LcPfnPolicyOptions { Delta = Math.Min(0.99, p + 0.01) });
        var lax = new LcPfnStoppingPolicy(new ExtrapolatingCurvePredictor(), new LcPfnPolicyOptions { Delta = Math.Max(0.001, p - 0.01) });

        Assert.Equal(DecisionAction.Stop, strict.Decide(context, [other])[0].Action);
        Assert.Equal(DecisionAction.Continue, lax.Decide(context, [other])[0].Action);
    }

    [Fact]
    public void Decide_MoreEpochsThanModel_CompressesOntoModelEpochs()
    {
        var predictor = new ExtrapolatingCurvePredictor(maxEpochs: 100);
        var values = Enumerable.Range(1, 50).Select(t => t / 200.0).ToArray();
        var report = new TrialCurve(1, 1, values);

        new LcPfnStoppingPolicy(predictor, new LcPfnPolicyOptions { Horizon = LcPfnHorizon.AnyRemainingEpoch })
            .Decide(new StoppingContext(new MetricSettings(MetricDirection.Maximize, 200, 0, 1), [report]), [report]);
        new LcPfnStoppingPolicy(predictor).Decide(new StoppingContext(new MetricSettings(MetricDirection.Maximize, 200, 0, 1), [report]), [report]);

        // 200 epochs on 100 model epochs: model epoch j is real epoch 2j, and the final epoch is model epoch 100.
        Assert.Equal(2, predictor.Queries.Count);
        var query = predictor.Queries[0];
        Assert.Equal(25, query.Observed.Count);
        Assert.Equal(Enumerable.Range(1, 25).Select(j => 2 * j / 200.0), query.Observed);
        Assert.Equal(Enumerable.Range(26, 75), query.QueryEpochs);
        Assert.Equal(query.Observed, predictor.Queries[1].Observed);
        Assert.Equal([100], predictor.Queries[1].QueryEpochs);
    }

    [Fact]
    public void Decide_FinalEpoch_ContinuesWithoutPredicting()
    {
        var predictor = new ExtrapolatingCurvePredictor();
        var report = new TrialCurve(1, 1, Rising(0.5, 10));

        var d = new LcPfnStoppingPolicy(predictor).Decide(new StoppingContext(new MetricSettings(MetricDirection.Maximize, 10, 0, 1), [report]), [report])[0];

        Assert.Equal(DecisionAction.Continue, d.Action);
        Assert.Empty(predictor.BatchSizes);
    }

    [Theory]
    [InlineData(0.0, 2, "'delta'")]
    [InlineData(1.0, 2, "'delta'")]
    [InlineData(0.05, 0, "'minEpochs'")]
    public void Options_OutOfRange_ThrowsNamingField(double delta, int minEpochs, string field)
    {
        var ex = Assert.Throws<HpoValidationException>(() => new LcPfnStoppingPolicy(new ExtrapolatingCurvePredictor(), new LcPfnPolicyOptions { Delta = delta, MinEpochs = minEpochs }));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_UndefinedHorizon_ThrowsNamingField()
    {
        var ex = Assert.Throws<HpoValidationException>(() => new LcPfnPolicyOptions { Horizon = (LcPfnHorizon)7 }.Validate());

        Assert.Contains("'horizon'", ex.Message, StringComparison.Ordinal);
    }
}
