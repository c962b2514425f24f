using Hpo.Scheduler.Persistence;
using Hpo.Workers.Dashboard.Api;

namespace Hpo.Workers.Tests.Dashboard;

public sealed class DashboardQueriesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void BuildCurve_StoppedTrial_ForecastRunsFromLastPointToFinalEpochWithLatestDecision()
    {
        TrialRecord trial = Trial(TrialStatus.Stopped, lastEpoch: 3);
        var decisions = new[]
        {
            Decision(3, DecisionAction.Stop, 0.01, 0.5, 0.6, 0.4),
            Decision(2, DecisionAction.Continue, 0.3, 0.7, 0.6, 0.8),
        };

        CurveResponse curve = Build(trial, Observations(0.2, 0.3, 0.35), maxEpochs: 10, decisions);

        PredictionResponse prediction = Assert.IsType<PredictionResponse>(curve.Prediction);
        Assert.Equal((3, 0.35, 10), (prediction.FromEpoch, prediction.FromValue, prediction.ToEpoch));
        Assert.Equal((0.5, 0.4, 0.6), (prediction.Median, prediction.Low, prediction.High));
        Assert.Equal(DecisionAction.Stop, prediction.Action);
        Assert.Equal(3, prediction.DecisionEpoch);
    }

    [Theory]
    [InlineData(TrialStatus.Completed)]
    [InlineData(TrialStatus.Failed)]
    [InlineData(TrialStatus.Pending)]
    public void BuildCurve_TrialThatWillNotTrainOn_HasNoForecast(TrialStatus status)
    {
        CurveResponse curve = Build(Trial(status, 2), Observations(0.2, 0.3), 10, [Decision(2, DecisionAction.Continue, 0.5, 0.6, 0.5, 0.7)]);

        Assert.Null(curve.Prediction);
    }

    [Fact]
    public void BuildCurve_LatestDecisionWithoutPrediction_HasNoForecast()
    {
        var decisions = new[]
        {
            Decision(1, DecisionAction.Continue, 0.5, 0.6, 0.5, 0.7),
            new DecisionRecord(1, 2, DecisionAction.Continue, "asha", null, null, null, null, null, At),
        };

        CurveResponse curve = Build(Trial(TrialStatus.Running, 2), Observations(0.2, 0.3), 10, decisions);

        Assert.Null(curve.Prediction);
    }

    [Fact]
    public void BuildCurve_AtFinalEpoch_HasNoForecast()
    {
        CurveResponse curve = Build(Trial(TrialStatus.Running, 2), Observations(0.2, 0.3), 2, [Decision(2, DecisionAction.Continue, 0.5, 0.6, 0.5, 0.7)]);

        Assert.Null(curve.Prediction);
        Assert.Equal(2, curve.Points.Count);
    }

    [Fact]
    public void BuildCurve_PausedTrial_ForecastOfItsPauseDecisionAndThePauseEpoch()
    {
        var decisions = new[]
        {
            Decision(2, DecisionAction.Continue, 0.4, 0.7, 0.6, 0.8),
            Decision(3, DecisionAction.Pause, 0.2, 0.65, 0.55, 0.75),
        };

        CurveResponse curve = Build(Trial(TrialStatus.Paused, 3), Observations(0.2, 0.3, 0.35), 10, decisions);

        PredictionResponse prediction = Assert.IsType<PredictionResponse>(curve.Prediction);
        Assert.Equal((DecisionAction.Pause, 3, 0.65, 0.55, 0.75), (prediction.Action, prediction.DecisionEpoch, prediction.Median, prediction.Low, prediction.High));
        Assert.Equal([3], curve.Pauses);
    }

    /// <summary>As the trial curve endpoint builds it: every point, the latest decision and the pause epochs.</summary>
    private static CurveResponse Build(TrialRecord trial, ObservationRecord[] observations, int maxEpochs, DecisionRecord[] decisions)
    {
        var points = observations.Select(o => (o.Epoch, o.Value)).ToList();
        return DashboardQueries.BuildCurve(
            trial,
            points,
            points.Count == 0 ? null : points.MaxBy(p => p.Epoch),
            maxEpochs,
            decisions.MaxBy(d => d.Epoch),
            [.. decisions.Where(d => d.Action == DecisionAction.Pause).Select(d => d.Epoch)]);
    }

    private static TrialRecord Trial(TrialStatus status, int lastEpoch) =>
        new(1, 1, 1, "{}", status, 1, null, null, null, At, At, null, lastEpoch, null, null, null, null);

    private static ObservationRecord[] Observations(params double[] values) =>
        values.Select((v, i) => new ObservationRecord(1, i + 1, v, At.AddMinutes(i))).Reverse().ToArray();

    private static DecisionRecord Decision(int epoch, DecisionAction action, double probability, double median, double low, double high) =>
        new(1, epoch, action, "lcpfn", probability, median, low, high, null, At);
}
