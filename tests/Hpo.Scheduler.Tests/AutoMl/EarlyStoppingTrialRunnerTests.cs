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

    private EarlyStoppingSession Session(IStoppingPolicy policy, IMonitor? monitor = null) => new(policy, Metric, _time, monitor);

    private EarlyStoppingTrialRunner Runner(EarlyStoppingSession session, SyntheticWorkload? workload = null) =>
        new(new WorkloadTrialRunner(workload ?? new SyntheticWorkload(), Metric, seed: 0, _time), session);

    [Fact]
    public async Task RunAsync_PlateauingTrial_StoppedEarlyWithDecision()
    {
        using var session = Session(new PatienceStoppingPolicy(new PatienceOptions { K = 1 }));
        using var runner = Runner(session);

        var result = await runner.RunAsync(new TrialSettings { TrialId = 1, Parameter = SyntheticWorkload.Config(0.6, plateau: 3) }, CancellationToken.None);

        Assert.True(result.StoppedEarly);
        Assert.Equal(5, result.Curve.Count);
        Assert.Equal(5, result.StopDecision!.Epoch);
        Assert.Equal(DecisionAction.Stop, result.StopDecision.Action);
        Assert.Equal("patience", result.StopDecision.Policy);
        Assert.Equal(SyntheticWorkload.Value(0.6, 3, 3), result.Metric);
        Assert.Equal(-result.Metric, result.Loss);
        Assert.Equal(5, session.DecisionCount);
    }

    [Fact]
    public async Task RunAsync_GoodTrial_RunsAllEpochs()
    {
        using var session = Session(new PatienceStoppingPolicy(new PatienceOptions { K = 1 }));
        using var runner = Runner(session);

        var result = await runner.RunAsync(new TrialSettings { TrialId = 1, Parameter = SyntheticWorkload.Config(0.9) }, CancellationToken.None);

        Assert.False(result.StoppedEarly);
        Assert.Null(result.StopDecision);
        Assert.Equal(12, result.Curve.Count);
        Assert.Equal(SyntheticWorkload.Value(0.9, 0, 12), result.Metric, 12);
        Assert.NotNull(result.TrialSettings.EndedAtUtc);
    }

    [Fact]
    public async Task RunAsync_RunnerPerTrialDisposedAfterEach_PolicySeesEarlierTrials()
    {
        // LC-PFN needs the best of other trials: after a strong first trial, a weak flat one is stopped, even though
        // each trial ran on its own runner, disposed when its trial ended (what AutoMLExperiment does).
        using var session = Session(new LcPfnStoppingPolicy(new ExtrapolatingCurvePredictor()));
        TrialResult strong;
        using (var first = Runner(session))
        {
            strong = await first.RunAsync(new TrialSettings { TrialId = 0, Parameter = SyntheticWorkload.Config(0.95) }, CancellationToken.None);
        }

        TrialResult weak;
        using (var second = Runner(session))
        {
            weak = await second.RunAsync(new TrialSettings { TrialId = 1, Parameter = SyntheticWorkload.Config(0.3, plateau: 2) }, CancellationToken.None);
        }

        Assert.False(strong.StoppedEarly);
        Assert.True(weak.StoppedEarly);
        Assert.True(weak.StopDecision!.ProbabilityOfImprovement < 0.05);
        Assert.Same(strong, session.BestResult);
    }

    [Fact]
    public async Task RunAsync_SameRunnerDisposedAfterEveryTrial_KeepsWorking()
    {
        // SetTrialRunner(instance) registers a singleton that AutoML disposes after every trial and then uses again.
        using var session = Session(new PatienceStoppingPolicy(new PatienceOptions { K = 1 }));
        var runner = Runner(session);
        var results = new List<TrialResult>();
        for (int id = 0; id < 3; id++)
        {
            results.Add(await runner.RunAsync(new TrialSettings { TrialId = id, Parameter = SyntheticWorkload.Config(0.5 + (id / 10.0)) }, CancellationToken.None));
            runner.Dispose();
        }

        Assert.Equal([0, 1, 2], results.Select(r => r.TrialSettings.TrialId));
        Assert.Equal(results.Sum(r => r.Curve.Count), session.DecisionCount);
        Assert.Same(results[2], session.BestResult);
    }

    [Fact]
    public async Task RunAsync_SessionDisposed_ThrowsObjectDisposed()
    {
        var session = Session(new PatienceStoppingPolicy());
        using var runner = Runner(session);
        session.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => runner.RunAsync(new TrialSettings { TrialId = 0, Parameter = SyntheticWorkload.Config(0.5) }, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_Monitor_ToldAboutRunningCompletedBestAndFailed()
    {
        var monitor = new RecordingMonitor();
        using var session = Session(new PatienceStoppingPolicy(), monitor);
        using var runner = Runner(session);

        await runner.RunAsync(new TrialSettings { TrialId = 1, Parameter = SyntheticWorkload.Config(0.5) }, CancellationToken.None);
        await runner.RunAsync(new TrialSettings { TrialId = 2, Parameter = SyntheticWorkload.Config(0.4) }, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new TrialSettings { TrialId = 3, Parameter = SyntheticWorkload.Config(0.0) }, CancellationToken.None));

        Assert.Equal(["running 1", "completed 1", "best 1", "running 2", "completed 2", "running 3", "failed 3"], monitor.Events);
    }

    [Fact]
    public async Task Reporter_ReportAfterStop_Throws()
    {
        using var session = Session(new PatienceStoppingPolicy(new PatienceOptions { K = 0 }));
        using var runner = new EarlyStoppingTrialRunner(new IgnoresStopRunner(), session);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new TrialSettings { TrialId = 1 }, CancellationToken.None));

        Assert.Contains("after it was told to stop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutoMlStyleLoop_TunerProposeRunUpdate_BestFound()
    {
        var space = SearchSpace.FromJson(SyntheticWorkload.SpaceJson);
        var tuner = new RandomSearchTuner(space, 4);
        using var session = Session(new PatienceStoppingPolicy(new PatienceOptions { K = 2 }));
        using var runner = Runner(session);
        var results = new List<TrialResult>();

        // The tuner's side of the loop (propose, run, feed back); AutoMlLifecycleTests drives AutoML's whole lifecycle.
        for (int id = 1; id <= 8; id++)
        {
            var settings = new TrialSettings { TrialId = id, StartedAtUtc = _time.GetUtcNow().UtcDateTime };
            settings.Parameter = tuner.Propose(settings);
            var result = await runner.RunAsync(settings, CancellationToken.None);
            tuner.Update(result);
            results.Add(result);
        }

        Assert.Equal(results.MinBy(r => r.Loss), tuner.Best);
        Assert.Equal(results.MinBy(r => r.Loss), session.BestResult);
        Assert.Contains(results, r => r.StoppedEarly);
    }

    [Fact]
    public async Task RunAsync_ParallelTrials_ShareBatchedDecisions()
    {
        var predictor = new ExtrapolatingCurvePredictor { OnPredict = () => Thread.Sleep(5) };
        using var session = Session(new LcPfnStoppingPolicy(predictor));
        using var runner = Runner(session, workload: new SyntheticWorkload { Rendezvous = 4 });

        var results = await Task.WhenAll(Enumerable.Range(1, 4).Select(id => runner.RunAsync(new TrialSettings { TrialId = id, Parameter = SyntheticWorkload.Config(0.5 + (id / 10.0)) }, CancellationToken.None)));

        // The rendezvous makes four first epochs report together while the predictor sleeps, so at least two of
        // them must share a policy call: strictly fewer calls than decisions.
        Assert.Equal(4, results.Length);
        Assert.Equal(results.Sum(r => r.Curve.Count), session.DecisionCount);
        Assert.True(session.PolicyCallCount < session.DecisionCount, $"{session.PolicyCallCount} policy calls for {session.DecisionCount} decisions");
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
