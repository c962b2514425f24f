using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Stopping.Patience;
using Hpo.Scheduler.Tests.TestDoubles;
using Hpo.Scheduler.Tuning;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Scheduler.Tests.AutoMl;

public sealed class EarlyStoppingTrialRunnerTests
{
    private static readonly MetricSettings Metric = new(MetricDirection.Maximize, 12, 0, 1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private EarlyStoppingTrialRunner Runner(IStoppingPolicy policy, IMonitor? monitor = null, SyntheticWorkload? workload = null) =>
        new(new WorkloadTrialRunner(workload ?? new SyntheticWorkload(), Metric, seed: 0, _time), policy, Metric, _time, monitor);

    [Fact]
    public async Task RunAsync_PlateauingTrial_StoppedEarlyWithDecision()
    {
        using var runner = Runner(new PatienceStoppingPolicy(new PatienceOptions { K = 1 }));

        var result = await runner.RunAsync(new TrialSettings { TrialId = 1, Parameter = SyntheticWorkload.Config(0.6, plateau: 3) }, CancellationToken.None);

        Assert.True(result.StoppedEarly);
        Assert.Equal(5, result.Curve.Count);
        Assert.Equal(5, result.StopDecision!.Epoch);
        Assert.Equal(DecisionAction.Stop, result.StopDecision.Action);
        Assert.Equal("patience", result.StopDecision.Policy);
        Assert.Equal(SyntheticWorkload.Value(0.6, 3, 3), result.Metric);
        Assert.Equal(-result.Metric, result.Loss);
        Assert.Equal(5, runner.DecisionCount);
    }

    [Fact]
    public async Task RunAsync_GoodTrial_RunsAllEpochs()
    {
        using var runner = Runner(new PatienceStoppingPolicy(new PatienceOptions { K = 1 }));

        var result = await runner.RunAsync(new TrialSettings { TrialId = 1, Parameter = SyntheticWorkload.Config(0.9) }, CancellationToken.None);

        Assert.False(result.StoppedEarly);
        Assert.Null(result.StopDecision);
        Assert.Equal(12, result.Curve.Count);
        Assert.Equal(SyntheticWorkload.Value(0.9, 0, 12), result.Metric, 12);
        Assert.NotNull(result.TrialSettings.EndedAtUtc);
    }

    [Fact]
    public async Task RunAsync_AcrossTrials_PolicySeesEarlierTrials()
    {
        // LC-PFN needs the best of other trials: after a strong first trial, a weak flat one is stopped.
        using var runner = Runner(new LcPfnStoppingPolicy(new ExtrapolatingCurvePredictor()));

        var strong = await runner.RunAsync(new TrialSettings { TrialId = 1, Parameter = SyntheticWorkload.Config(0.95) }, CancellationToken.None);
        var weak = await runner.RunAsync(new TrialSettings { TrialId = 2, Parameter = SyntheticWorkload.Config(0.3, plateau: 2) }, CancellationToken.None);

        Assert.False(strong.StoppedEarly);
        Assert.True(weak.StoppedEarly);
        Assert.True(weak.StopDecision!.ProbabilityOfImprovement < 0.05);
        Assert.Same(strong, runner.BestResult);
    }

    [Fact]
    public async Task RunAsync_Monitor_ToldAboutRunningCompletedBestAndFailed()
    {
        var monitor = new RecordingMonitor();
        using var runner = Runner(new PatienceStoppingPolicy(), monitor);

        await runner.RunAsync(new TrialSettings { TrialId = 1, Parameter = SyntheticWorkload.Config(0.5) }, CancellationToken.None);
        await runner.RunAsync(new TrialSettings { TrialId = 2, Parameter = SyntheticWorkload.Config(0.4) }, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new TrialSettings { TrialId = 3, Parameter = SyntheticWorkload.Config(0.0) }, CancellationToken.None));

        Assert.Equal(["running 1", "completed 1", "best 1", "running 2", "completed 2", "running 3", "failed 3"], monitor.Events);
    }

    [Fact]
    public async Task Reporter_ReportAfterStop_Throws()
    {
        using var runner = new EarlyStoppingTrialRunner(new IgnoresStopRunner(), new PatienceStoppingPolicy(new PatienceOptions { K = 0 }), Metric, _time);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new TrialSettings { TrialId = 1 }, CancellationToken.None));

        Assert.Contains("after it was told to stop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutoMlStyleLoop_TunerProposeRunUpdate_BestFound()
    {
        var space = SearchSpace.FromJson(SyntheticWorkload.SpaceJson);
        var tuner = new RandomSearchTuner(space, 4);
        using var runner = Runner(new PatienceStoppingPolicy(new PatienceOptions { K = 2 }));
        var results = new List<TrialResult>();

        // What AutoMLExperiment does: propose, run, feed back.
        for (int id = 1; id <= 8; id++)
        {
            var settings = new TrialSettings { TrialId = id, StartedAtUtc = _time.GetUtcNow().UtcDateTime };
            settings.Parameter = tuner.Propose(settings);
            var result = await runner.RunAsync(settings, CancellationToken.None);
            tuner.Update(result);
            results.Add(result);
        }

        Assert.Equal(results.MinBy(r => r.Loss), tuner.Best);
        Assert.Equal(results.MinBy(r => r.Loss), runner.BestResult);
        Assert.Contains(results, r => r.StoppedEarly);
    }

    [Fact]
    public async Task RunAsync_ParallelTrials_ShareBatchedDecisions()
    {
        var predictor = new ExtrapolatingCurvePredictor { OnPredict = () => Thread.Sleep(5) };
        using var runner = Runner(new LcPfnStoppingPolicy(predictor), workload: new SyntheticWorkload { Rendezvous = 4 });

        var results = await Task.WhenAll(Enumerable.Range(1, 4).Select(id => runner.RunAsync(new TrialSettings { TrialId = id, Parameter = SyntheticWorkload.Config(0.5 + (id / 10.0)) }, CancellationToken.None)));

        Assert.Equal(4, results.Length);
        Assert.Equal(results.Sum(r => r.Curve.Count), runner.DecisionCount);
        Assert.True(runner.PolicyCallCount <= runner.DecisionCount);
    }

    private sealed class RecordingMonitor : IMonitor
    {
        public List<string> Events { get; } = [];

        public void ReportBestTrial(TrialResult result) => Events.Add($"best {result.TrialSettings.TrialId}");

        public void ReportCompletedTrial(TrialResult result) => Events.Add($"completed {result.TrialSettings.TrialId}");

        public void ReportFailTrial(TrialSettings settings, Exception? exception = null) => Events.Add($"failed {settings.TrialId}");

        public void ReportRunningTrial(TrialSettings settings) => Events.Add($"running {settings.TrialId}");
    }

    /// <summary>A faulty epoch runner that keeps reporting after being told to stop.</summary>
    private sealed class IgnoresStopRunner : IEpochTrialRunner
    {
        public async Task<TrialResult> RunAsync(TrialSettings settings, IEpochReporter reporter, CancellationToken ct)
        {
            for (int epoch = 1; epoch <= 5; epoch++)
            {
                await reporter.ReportAsync(epoch, 0.5, ct);
            }

            return new TrialResult { TrialSettings = settings };
        }

        public void Dispose()
        {
        }
    }
}
