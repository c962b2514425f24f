using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;

namespace Hpo.Scheduler.Tests.Stopping;

/// <summary>
/// What every <see cref="IStoppingPolicy"/> must do, on synthetic curves of 20 epochs in [0, 1]:
/// six finished background trials y = a·(1 − e^(−t/4)), a = 0.70 … 0.80; a clearly worse trial that
/// plateaus at 0.3 from epoch 3; and the eventual best, y = 0.95·(1 − e^(−t/4)), best at every epoch.
/// Each policy derives a class and supplies itself.
/// </summary>
public abstract class StoppingPolicyContract
{
    protected const int MaxEpochs = 20;

    /// <summary>The policy under test, for an experiment with <paramref name="direction"/>.</summary>
    protected abstract IStoppingPolicy CreatePolicy(MetricDirection direction);

    /// <summary>The name the policy stores in decisions.</summary>
    protected abstract string ExpectedName { get; }

    /// <summary>Whether the policy stops the clearly worse trial (false only for "none").</summary>
    protected virtual bool StopsClearlyWorseTrials => true;

    protected static double[] Background(double a) => Enumerable.Range(1, MaxEpochs).Select(t => a * (1 - Math.Exp(-t / 4.0))).ToArray();

    protected static double[] Worse => Enumerable.Range(1, MaxEpochs).Select(t => Math.Min(0.3, 0.1 * t)).ToArray();

    protected static double[] EventualBest => Background(0.95);

    [Fact]
    public void Name_IsStable()
    {
        Assert.Equal(ExpectedName, CreatePolicy(MetricDirection.Maximize).Name);
    }

    /// <summary>The policy's <see cref="IMinEpochsPolicy.MinEpochs"/>, or null when it does not promise one.</summary>
    protected virtual int? ExpectedMinEpochs => null;

    [Fact]
    public void Decide_ReportBelowMinEpochs_ContinueWhateverTheContext()
    {
        var policy = CreatePolicy(MetricDirection.Maximize);
        Assert.Equal(ExpectedMinEpochs, (policy as IMinEpochsPolicy)?.MinEpochs);
        if (ExpectedMinEpochs is not { } min)
        {
            return;
        }

        // Below its minimum the answer may not depend on what else was stored: none, a better population, a worse one.
        foreach (var background in new[] { Array.Empty<double>(), EventualBest, Worse })
        {
            for (int epoch = 1; epoch < Math.Min(min, MaxEpochs); epoch++)
            {
                var others = background.Length == 0 ? [] : new[] { new TrialCurve(1, 1, background) };
                var decision = Assert.Single(policy.Decide(Context(MetricDirection.Maximize, others), [new TrialCurve(9, 9, Worse[..epoch])]));
                Assert.Equal(DecisionAction.Continue, decision.Action);
            }
        }
    }

    [Fact]
    public void Decide_NoReports_NoDecisions()
    {
        var policy = CreatePolicy(MetricDirection.Maximize);

        Assert.Empty(policy.Decide(Context(MetricDirection.Maximize, []), []));
    }

    [Fact]
    public void Decide_ClearlyWorseCurve_StoppedBeforeFinalEpoch()
    {
        int? stoppedAt = FirstStop(CreatePolicy(MetricDirection.Maximize), MetricDirection.Maximize, Worse);

        if (StopsClearlyWorseTrials)
        {
            Assert.NotNull(stoppedAt);
            Assert.InRange(stoppedAt.Value, 1, MaxEpochs - 1);
        }
        else
        {
            Assert.Null(stoppedAt);
        }
    }

    [Fact]
    public void Decide_EventualBest_NeverStopped()
    {
        Assert.Null(FirstStop(CreatePolicy(MetricDirection.Maximize), MetricDirection.Maximize, EventualBest));
    }

    [Fact]
    public void Decide_MinimisedMirrorOfCurves_SameActions()
    {
        foreach (var curve in new[] { Worse, EventualBest })
        {
            var max = Replay(CreatePolicy(MetricDirection.Maximize), MetricDirection.Maximize, curve);
            var min = Replay(CreatePolicy(MetricDirection.Minimize), MetricDirection.Minimize, curve);

            Assert.Equal(max.Select(d => d.Action), min.Select(d => d.Action));
        }
    }

    [Fact]
    public void Decide_SameInputs_SameDecisions()
    {
        var first = Replay(CreatePolicy(MetricDirection.Maximize), MetricDirection.Maximize, Worse);
        var second = Replay(CreatePolicy(MetricDirection.Maximize), MetricDirection.Maximize, Worse);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Decide_SeveralReports_OneDecisionEachInOrder()
    {
        var policy = CreatePolicy(MetricDirection.Maximize);
        var context = Context(MetricDirection.Maximize, [new TrialCurve(100, 7, Worse[..9]), new TrialCurve(101, 8, EventualBest[..9])]);
        var worse = context.Curves.Single(c => c.TrialId == 100);
        var best = context.Curves.Single(c => c.TrialId == 101);

        // Each report is decided as if alone: batching never changes a verdict.
        var both = policy.Decide(context, [worse, best]);
        var worseAlone = policy.Decide(context, [worse]);
        var bestAlone = policy.Decide(context, [best]);

        Assert.Equal(2, both.Count);
        Assert.Equal(worseAlone[0], both[0]);
        Assert.Equal(bestAlone[0], both[1]);
        Assert.All(both, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason)));
    }

    /// <summary>The background trials (numbers 1–6), finished, plus <paramref name="extra"/>.</summary>
    protected static StoppingContext Context(MetricDirection direction, IReadOnlyList<TrialCurve> extra)
    {
        var background = new[] { 0.70, 0.72, 0.74, 0.76, 0.78, 0.80 }
            .Select((a, i) => new TrialCurve(i + 1, i + 1, Mirror(direction, Background(a))));
        var curves = background.Concat(extra.Select(c => c with { Values = Mirror(direction, c.Values) })).ToArray();
        return new StoppingContext(new MetricSettings(direction, MaxEpochs, 0, 1), curves);
    }

    /// <summary>Feeds <paramref name="curve"/> epoch by epoch as trial 7 and returns each decision until (and including) the first stop.</summary>
    protected static List<StoppingDecision> Replay(IStoppingPolicy policy, MetricDirection direction, double[] curve)
    {
        var decisions = new List<StoppingDecision>();
        for (int t = 1; t <= MaxEpochs; t++)
        {
            var prefix = new TrialCurve(7, 7, curve[..t]);
            var context = Context(direction, [prefix]);
            var mirrored = context.Curves.Single(c => c.TrialId == 7);
            var decision = Assert.Single(policy.Decide(context, [mirrored]));
            decisions.Add(decision);
            if (decision.ShouldStop)
            {
                break;
            }
        }

        return decisions;
    }

    protected static int? FirstStop(IStoppingPolicy policy, MetricDirection direction, double[] curve)
    {
        var decisions = Replay(policy, direction, curve);
        return decisions[^1].ShouldStop ? decisions.Count : null;
    }

    private static double[] Mirror(MetricDirection direction, IReadOnlyList<double> values) =>
        direction == MetricDirection.Maximize ? values.ToArray() : values.Select(v => 1 - v).ToArray();
}
