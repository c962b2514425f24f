using System.Globalization;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Storage.Schema;
using Hpo.Testing;
using Hpo.Workers.Tests.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hpo.Workers.Tests.Deciding;

/// <summary>
/// How workers decide on the fleet's store: with the LC-PFN they were started with (its hash recorded, one model
/// per experiment), from curves they keep up to date by reading only what changed, seeing each other's results.
/// </summary>
public sealed class FleetDecisionTests(ITestOutputHelper output)
{
    private static readonly string ModelPath = Path.Combine(FleetHarness.RepoRoot, "models", "lcpfn-default.lcpfn");

    [PostgresFact]
    public async Task Decide_WorkerBReachedABetterValue_WorkerAStopsAgainstItWithTheModelRecorded()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "store");
        await provider.GetRequiredService<HpoDatabase>().MigrateAsync();
        var store = provider.GetRequiredService<IExperimentStore>();
        using var predictor = LcPfnPredictor.Load(ModelPath);
        var model = ModelFingerprint.Of(ModelPath);
        var workload = new CurveWorkload();
        var workerA = new TrialExecutor(store, new StoppingPolicyFactory(predictor), workload, model: model);
        var workerB = new TrialExecutor(store, new StoppingPolicyFactory(predictor), workload, model: model);
        var experiment = await store.CreateExperimentAsync(Spec("two-workers", """{"type":"lcpfn","delta":0.05,"minEpochs":2}"""));

        // A decides a weak trial first, so its view of the experiment exists before B's results do.
        var weakFirst = await store.CreateTrialAsync(experiment.Id, """{"x":0.3}""");
        await workerA.ExecuteAsync(weakFirst.Id, Options("a"));
        var strong = await store.CreateTrialAsync(experiment.Id, """{"x":0.95}""");
        var byB = await workerB.ExecuteAsync(strong.Id, Options("b"));
        var weakAgain = await store.CreateTrialAsync(experiment.Id, """{"x":0.3}""");
        var byA = await workerA.ExecuteAsync(weakAgain.Id, Options("a"));

        var decisions = await store.GetDecisionsAsync(weakAgain.Id);
        output.WriteLine($"B: {byB.Outcome} after {byB.EpochsTrained}; A again: {byA.Outcome} after {byA.EpochsTrained}; " +
            string.Join(", ", decisions.Select(d => string.Create(CultureInfo.InvariantCulture, $"e{d.Epoch} {d.Action} p={d.ProbabilityOfImprovement:F3}"))));

        // The same curve that A ran on its own earlier now stops at the first decision epoch: A's decision took B's best
        // (0.95 − 0.1/e, above anything the weak curve reaches) into account.
        Assert.True(byB.EpochsTrained >= 2, "B's strong trial reports before A decides again.");
        Assert.Equal(TrialOutcome.Stopped, byA.Outcome);
        Assert.Equal(2, byA.EpochsTrained);
        var stop = decisions.Single(d => d.Epoch == 2);
        Assert.Equal(DecisionAction.Stop, stop.Action);
        Assert.True(stop.ProbabilityOfImprovement < 0.05, $"P(improvement) {stop.ProbabilityOfImprovement} should be below delta.");
        Assert.All(decisions, d => Assert.Equal(model.Sha256, d.ModelSha256));
        Assert.All(await store.GetDecisionsAsync(strong.Id), d => Assert.Equal(model.Sha256, d.ModelSha256));
    }

    [PostgresFact]
    public async Task Execute_WorkerWithAnotherModel_RefusedWithoutClaimingAndNamingBothHashes()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "store");
        await provider.GetRequiredService<HpoDatabase>().MigrateAsync();
        var store = provider.GetRequiredService<IExperimentStore>();
        using var predictor = LcPfnPredictor.Load(ModelPath);
        var model = ModelFingerprint.Of(ModelPath);

        // Another model file: same path, other contents, as a worker started with another --model would present it.
        var other = model with { Path = "/models/other.lcpfn", Sha256 = new string('0', 64) };
        var workload = new CurveWorkload();
        var first = new TrialExecutor(store, new StoppingPolicyFactory(predictor), workload, model: model);
        var second = new TrialExecutor(store, new StoppingPolicyFactory(predictor), workload, model: other);
        var experiment = await store.CreateExperimentAsync(Spec("mixed-models", """{"type":"lcpfn"}"""));
        var a = await store.CreateTrialAsync(experiment.Id, """{"x":0.5}""");
        var b = await store.CreateTrialAsync(experiment.Id, """{"x":0.6}""");

        var decided = await first.ExecuteAsync(a.Id, Options("first"));
        var refused = await second.ExecuteAsync(b.Id, Options("second"));

        Assert.True(decided.Outcome is TrialOutcome.Completed or TrialOutcome.Stopped, $"{decided.Outcome}: {decided.Detail}");
        Assert.Equal(TrialOutcome.ModelMismatch, refused.Outcome);
        Assert.False(refused.TrialEnded);
        Assert.Contains(model.Sha256, refused.Detail, StringComparison.Ordinal);
        Assert.Contains(other.Sha256, refused.Detail, StringComparison.Ordinal);
        var untouched = await store.GetTrialAsync(b.Id);
        Assert.Equal(TrialStatus.Pending, untouched!.Status);
        Assert.Equal(0, untouched.Attempt);
        Assert.Empty((await store.GetCurvesAsync([b.Id]))[b.Id]);
        Assert.Equal(model.Sha256, await store.BindDecisionModelAsync(experiment.Id, other.Sha256));
    }

    [PostgresFact]
    public async Task Decide_ExperimentThirtyTimesLarger_SameStoreCallsAndRowsPerDecision()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var provider = FleetHarness.Worker(db.ConnectionString, "store");
        await provider.GetRequiredService<HpoDatabase>().MigrateAsync();
        var store = provider.GetRequiredService<IExperimentStore>();

        var small = await MeasureOneTrialAsync(store, "small", finishedTrials: 10);
        var large = await MeasureOneTrialAsync(store, "large", finishedTrials: 300);
        output.WriteLine($"10 trials: {small.Rows} rows, {Describe(small.Calls)}");
        output.WriteLine($"300 trials: {large.Rows} rows, {Describe(large.Calls)}");

        // Twenty decisions each: the reads bring back the trial's own new epochs, not the experiment.
        Assert.Equal(small.Calls, large.Calls);
        Assert.Equal(small.Rows, large.Rows);
        Assert.Equal(Epochs, small.Calls["ReadObservationChangesAsync"]);
        Assert.True(small.Rows <= Epochs + 1, $"{small.Rows} rows were read for {Epochs} decisions.");
        Assert.False(large.Calls.ContainsKey("ListTrialsAsync"));
    }

    [Fact]
    public async Task Decide_FourTrialsOfOneWorkerReportTogether_ShareReadsAndPolicyCalls()
    {
        var store = new InMemoryExperimentStore();
        var experiment = await store.CreateExperimentAsync(Spec($"lockstep-{Guid.NewGuid():N}", """{"type":"none"}"""));
        var trials = new List<TrialRecord>();
        for (int i = 0; i < 4; i++)
        {
            trials.Add(await store.CreateTrialAsync(experiment.Id, string.Create(CultureInfo.InvariantCulture, $$"""{"x":{{0.6 + (0.1 * i)}}}""")));
        }

        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new LockstepWorkload(trials.Count));
        var results = await Task.WhenAll(trials.Select(t => Task.Run(() => executor.ExecuteAsync(t.Id, Options("one-worker")))));

        long decisions = 0;
        foreach (var t in trials)
        {
            decisions += (await store.GetDecisionsAsync(t.Id)).Count;
        }

        output.WriteLine($"{decisions} decisions in {executor.DecisionBatches} reads and policy calls; outcomes {string.Join(", ", results.Select(r => $"{r.Outcome}@{r.EpochsTrained}"))}");
        Assert.All(results, r => Assert.Equal(TrialOutcome.Completed, r.Outcome));
        Assert.Equal(results.Sum(r => (long)r.EpochsTrained), decisions);
        Assert.True(executor.DecisionBatches < decisions, $"{decisions} decisions took {executor.DecisionBatches} separate calls: none was shared.");
    }

    [Fact]
    public async Task ExecuteAsync_RecordTheCallerHolds_RunsTheTrialWithoutReadingIt()
    {
        var inner = new InMemoryExperimentStore();
        var (store, counter) = CountingStore.Wrap(inner);
        var experiment = await inner.CreateExperimentAsync(Spec($"known-{Guid.NewGuid():N}", """{"type":"none"}"""));
        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new CurveWorkload());

        var byId = await inner.CreateTrialAsync(experiment.Id, """{"x":0.7}""");
        Assert.Equal(TrialOutcome.Completed, (await executor.ExecuteAsync(byId.Id, Options("w"))).Outcome);
        Assert.Equal(1, counter.Calls[nameof(IExperimentStore.GetTrialAsync)]);

        counter.Reset();
        var created = await inner.CreateTrialAsync(experiment.Id, """{"x":0.8}""");
        var result = await executor.ExecuteAsync(created, Options("w"));
        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.Equal(Epochs, result.EpochsTrained);
        Assert.False(counter.Calls.ContainsKey(nameof(IExperimentStore.GetTrialAsync)), Describe(counter.Calls));
        Assert.Equal(TrialStatus.Completed, (await inner.GetTrialAsync(created.Id))!.Status);
    }

    [Fact]
    public async Task ExecuteAsync_RecordOfATrialThatEndedMeanwhile_ClaimsNothing()
    {
        var store = new InMemoryExperimentStore();
        var experiment = await store.CreateExperimentAsync(Spec($"known-ended-{Guid.NewGuid():N}", """{"type":"none"}"""));
        var created = await store.CreateTrialAsync(experiment.Id, """{"x":0.8}""");
        var lease = await store.ClaimTrialAsync(created.Id, "other", TimeSpan.FromMinutes(1));
        await store.FinishTrialAsync(lease, TrialStatus.Stopped, "stopped elsewhere");

        // The record still says Pending: the claim, not the record, decides.
        var result = await new TrialExecutor(store, new StoppingPolicyFactory(), new CurveWorkload()).ExecuteAsync(created, Options("w"));

        Assert.Equal(TrialOutcome.AlreadyFinished, result.Outcome);
        Assert.Equal(0, result.EpochsTrained);
        Assert.Equal(TrialStatus.Stopped, (await store.GetTrialAsync(created.Id))!.Status);
    }

    private const int Epochs = 20;

    private static async Task<(IReadOnlyDictionary<string, int> Calls, long Rows)> MeasureOneTrialAsync(IExperimentStore inner, string name, int finishedTrials)
    {
        var (store, counter) = CountingStore.Wrap(inner);
        var experiment = await inner.CreateExperimentAsync(Spec(name, """{"type":"median","minEpochs":2,"minTrials":3}"""));
        for (int i = 0; i < finishedTrials; i++)
        {
            var t = await inner.CreateTrialAsync(experiment.Id, """{"x":0.5}""");
            var lease = await inner.ClaimTrialAsync(t.Id, "seed", TimeSpan.FromMinutes(1));
            await inner.RecordObservationsAsync(lease, [.. Enumerable.Range(1, Epochs).Select(e => (e, CurveWorkload.Value(0.5, e)))]);
            await inner.FinishTrialAsync(lease, TrialStatus.Completed);
        }

        // The worker's first decision reads the experiment once; what counts is every decision after that.
        var executor = new TrialExecutor(store, new StoppingPolicyFactory(), new CurveWorkload());
        var warm = await inner.CreateTrialAsync(experiment.Id, """{"x":0.9}""");
        Assert.Equal(TrialOutcome.Completed, (await executor.ExecuteAsync(warm.Id, Options("w"))).Outcome);
        var measured = await inner.CreateTrialAsync(experiment.Id, """{"x":0.9}""");
        counter.Reset();
        var result = await executor.ExecuteAsync(measured.Id, Options("w"));
        Assert.Equal(TrialOutcome.Completed, result.Outcome);
        Assert.Equal(Epochs, result.EpochsTrained);
        return (counter.Calls, counter.ObservationRowsRead);
    }

    private static string Describe(IReadOnlyDictionary<string, int> calls) => string.Join(", ", calls.Select(kv => $"{kv.Key} {kv.Value}"));

    private static ExperimentSpec Spec(string name, string policyJson) =>
        new(name, "score", MetricDirection.Maximize, 0, 1, Epochs, CurveWorkload.SearchSpaceJson, """{"type":"random"}""", policyJson, """{"workload":"curve"}""");

    private static TrialExecutionOptions Options(string worker) =>
        new() { WorkerId = worker, LeaseDuration = TimeSpan.FromSeconds(30), HeartbeatInterval = TimeSpan.FromSeconds(10) };
}
