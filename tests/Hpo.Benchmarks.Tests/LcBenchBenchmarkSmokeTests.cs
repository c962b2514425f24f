using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Benchmarks;
using Hpo.Benchmarks.Extrapolation;
using Hpo.Benchmarks.Speed;
using Hpo.Scheduler.Tests.TestDoubles;
using Hpo.Benchmarks.Tests.TestDoubles;
using Hpo.Workloads.Tests.TestDoubles;
using Hpo.Workloads.LcBench;

namespace Hpo.Benchmarks.Tests;

/// <summary>Small runs of every benchmark on the real surrogate with a tiny real LC-PFN (seconds).</summary>
[Collection(TorchCollection.Name)]
public sealed class LcBenchBenchmarkSmokeTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Tasks = ["7593", "34539"];
    private LcBenchSurrogate _surrogate = null!;
    private LcPfnPredictor _predictor = null!;

    public async Task InitializeAsync()
    {
        _surrogate = new LcBenchSurrogate(RepoPaths.LcBench);
        _predictor = await TinyLcPfn.CreateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _predictor?.Dispose();
        _surrogate?.Dispose();
    }

    private LcBenchBenchmarkReport Run(LcBenchBenchmarkOptions options, string policies, IReadOnlyList<BenchmarkModel>? models = null) =>
        LcBenchBenchmark.Run(t => LcBenchPool.Create(_surrogate, t, options.Pool, options.Seed), options, policies, 0.05, models ?? [new BenchmarkModel(null, _predictor)]);

    private ExtrapolationReport Extrapolate(ExtrapolationOptions options, IReadOnlyList<BenchmarkModel> models) =>
        ExtrapolationBenchmark.Run(t => LcBenchPool.Create(_surrogate, t, options.CurvesPerTask, options.Seed), options, models);

    [Fact]
    public void Run_VerticalSmoke_RegretCurvesAndSpeedUpsObeyTheirInvariants()
    {
        var options = new LcBenchBenchmarkOptions { Tasks = Tasks, Pool = 50, Orderings = 3, Seed = 7 };

        var report = Run(options, "lcpfn,patience:0,oracle");

        Assert.Equal(["lcpfn", "patience(0)", "oracle", "none"], report.Policies);
        Assert.Equal(Tasks.Length * 4, report.Results.Count);
        foreach (var r in report.Results)
        {
            Assert.Equal(20 * 52, r.MeanRegret.Length);
            Assert.All(r.MeanRegret, v => Assert.True(v >= 0));
            for (int e = 1; e < r.MeanRegret.Length; e++)
            {
                Assert.True(r.MeanRegret[e] <= r.MeanRegret[e - 1], $"{r.TaskId}/{r.Policy}: regret rose at epoch {e + 1}");
            }
        }

        foreach (string task in Tasks)
        {
            var byPolicy = report.Results.Where(r => r.TaskId == task).ToDictionary(r => r.Policy);
            Assert.Equal(1, byPolicy["none"].SpeedUp.Value);
            Assert.True(byPolicy["none"].SpeedUp.Reached);
            Assert.Equal(20, byPolicy["none"].MeanTrialsStarted);
            Assert.All(byPolicy.Values, r => Assert.True(byPolicy["oracle"].SpeedUp.Value >= r.SpeedUp.Value, $"{task}: oracle below {r.Policy}"));
            Assert.True(byPolicy["oracle"].MeanTrialsStarted > 20);
        }

        Assert.True(report.ModelQueries > 0);
        var none = Assert.Single(report.Summaries, s => s.Policy == "none");
        Assert.Equal(1, none.GeometricMeanSpeedUp, 12);
        Assert.Equal(0, none.TasksWorseFinalRegret);
    }

    [Fact]
    public void Run_SameSeedTwice_SameResults()
    {
        var options = new LcBenchBenchmarkOptions { Tasks = ["7593"], Pool = 40, Orderings = 3, Seed = 3 };

        var a = Run(options, "patience:1,oracle");
        var b = Run(options, "patience:1,oracle");

        Assert.Equal(a.Results.Select(r => r.MeanRegret), b.Results.Select(r => r.MeanRegret));
        Assert.Equal(a.Summaries, b.Summaries);
    }

    [Fact]
    public void Run_ParallelSmoke_EveryPolicyProducesAnyTimeRegret()
    {
        var options = new LcBenchBenchmarkOptions { Protocol = LcBenchProtocol.Parallel, Tasks = Tasks, Pool = 60, Orderings = 2, BudgetRuns = 5, Workers = 4 };

        var report = Run(options, "lcpfn,asha,hyperband,median");

        Assert.Equal(["lcpfn", "asha", "hyperband", "median", "none"], report.Policies);
        foreach (var r in report.Results)
        {
            Assert.Equal(5 * 52, r.MeanRegret.Length);
            Assert.True(r.MeanTrialsStarted >= 4);
            Assert.Equal(r.MeanRegret.Average(), r.Area, 12);
            Assert.True(r.RegretAt25 >= r.RegretAt50 && r.RegretAt50 >= r.FinalRegret);
        }

        Assert.All(report.Results.Where(r => r.Policy == "asha"), r => Assert.True(r.MeanTrialsStarted > 5, "ASHA stops two thirds at epoch 1, so it starts more trials"));
    }

    [Fact]
    public void Run_ParallelPausingPolicies_CountPausesResumesAndStopsForGood()
    {
        var options = new LcBenchBenchmarkOptions { Protocol = LcBenchProtocol.Parallel, Tasks = ["7593"], Pool = 60, Orderings = 2, BudgetRuns = 5, Workers = 4 };

        var report = Run(options, "freeze-thaw,freeze-thaw:acquisition=population;rungs=1/3/9,asha-promote,freeze-thaw-oracle-slot");

        Assert.Equal(["freeze-thaw", "freeze-thaw(acquisition=population;rungs=1/3/9)", "asha-promote", "freeze-thaw-oracle-slot", "none"], report.Policies);
        foreach (var r in report.Results)
        {
            Assert.Equal(5 * 52, r.MeanRegret.Length);
            for (int e = 1; e < r.MeanRegret.Length; e++)
            {
                Assert.True(r.MeanRegret[e] <= r.MeanRegret[e - 1], $"{r.Policy}: regret rose at epoch {e + 1}");
            }

            Assert.True(r.MeanResumes <= r.MeanPauses);
            Assert.True(r.MeanStoppedForGood <= r.MeanPauses);
        }

        var byPolicy = report.Results.ToDictionary(r => r.Policy);
        Assert.True(byPolicy["asha-promote"].MeanPauses > 0 && byPolicy["asha-promote"].MeanResumes > 0);
        Assert.Equal(0, byPolicy["asha-promote"].MeanStoppedForGood);
        Assert.True(byPolicy["freeze-thaw"].MeanPauses > 0);

        // The bound pauses as freeze-thaw decides but ends nothing for good: it simply never resumes a hopeless trial.
        Assert.True(byPolicy["freeze-thaw-oracle-slot"].MeanPauses > 0);
        Assert.Equal(0, byPolicy["freeze-thaw-oracle-slot"].MeanStoppedForGood);
        Assert.Equal(0, byPolicy["none"].MeanPauses);
        var summary = Assert.Single(report.Summaries, s => s.Policy == "asha-promote");
        Assert.Equal(byPolicy["asha-promote"].MeanPauses, summary.MeanPauses, 12);
    }

    [Fact]
    public void Options_BadValues_NameTheOption()
    {
        Assert.Contains("--pool", Assert.Throws<ArgumentException>(() => new LcBenchBenchmarkOptions { Pool = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("--workers", Assert.Throws<ArgumentException>(() => new LcBenchBenchmarkOptions { Workers = 4 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("needs k", Assert.Throws<ArgumentException>(() => BenchmarkPolicy.ParseList("patience", 0.05, null)).Message, StringComparison.Ordinal);
        Assert.Contains("--model", Assert.Throws<ArgumentException>(() => BenchmarkPolicy.ParseList("lcpfn", 0.05, null)).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => BenchmarkPolicy.ParseList("none,none", 0.05, null)).Message, StringComparison.Ordinal);
        Assert.Contains("--model", Assert.Throws<ArgumentException>(() => BenchmarkPolicy.ParseList("freeze-thaw", 0.05, null)).Message, StringComparison.Ordinal);
        Assert.Contains("'rungs[1]'", Assert.Throws<ArgumentException>(() => BenchmarkPolicy.ParseList("freeze-thaw:rungs=4/2", 0.05, _predictor)).Message, StringComparison.Ordinal);
        Assert.Contains("FIELD=VALUE", Assert.Throws<ArgumentException>(() => BenchmarkPolicy.ParseList("freeze-thaw:rungs", 0.05, _predictor)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseList_LcPfnHorizons_BuildTheProductPolicyWithEachHorizon()
    {
        var policies = BenchmarkPolicy.ParseList("lcpfn,lcpfn-remaining,lcpfn-remaining:0.1", 0.05, _predictor);

        Assert.Equal(["lcpfn", "lcpfn-remaining", "lcpfn-remaining(δ=0.1)"], policies.Select(p => p.Name));
        var options = policies.Select(p => Assert.IsType<Hpo.Scheduler.Stopping.LcPfn.LcPfnStoppingPolicy>(p.Policy).Options).ToArray();
        Assert.Equal(Hpo.Scheduler.Stopping.LcPfn.LcPfnHorizon.FinalEpoch, options[0].Horizon);
        Assert.Equal(Hpo.Scheduler.Stopping.LcPfn.LcPfnHorizon.AnyRemainingEpoch, options[1].Horizon);
        Assert.Equal((0.1, Hpo.Scheduler.Stopping.LcPfn.LcPfnHorizon.AnyRemainingEpoch), (options[2].Delta, options[2].Horizon));
        Assert.True(BenchmarkPolicy.NeedsPredictor("none,lcpfn-remaining"));
        Assert.False(BenchmarkPolicy.NeedsPredictor("none,asha"));
    }

    [Fact]
    public void ExtrapolationRun_Smoke_EveryMethodAndCutoffHasFiniteScores()
    {
        var options = new ExtrapolationOptions { Tasks = ["7593"], CurvesPerTask = 8, CutoffPercents = [10, 40] };

        var report = Extrapolate(options, [new BenchmarkModel(null, _predictor)]);

        Assert.Equal(6, report.Overall.Count);
        Assert.Equal([5, 21], report.Overall.Select(r => r.ObservedEpochs).Distinct());
        Assert.All(report.Overall, r =>
        {
            Assert.Equal(8, r.Curves);
            Assert.True(double.IsFinite(r.LogLikelihood) && r.Mse >= 0);
        });
    }

    [Fact]
    public async Task Run_TwoNamedModels_EachModelsRowsAndQueriesEqualItsRunAlone()
    {
        using var other = await TinyLcPfn.CreateAsync(seed: 1);
        var options = new LcBenchBenchmarkOptions { Tasks = ["7593"], Pool = 40, Orderings = 2, Seed = 5 };

        var both = Run(options, "lcpfn,patience:0", [new BenchmarkModel("a", _predictor), new BenchmarkModel("b", other)]);
        var aloneA = Run(options, "lcpfn,patience:0", [new BenchmarkModel(null, _predictor)]);
        var aloneB = Run(options, "lcpfn,patience:0", [new BenchmarkModel(null, other)]);

        Assert.Equal(["lcpfn@a", "lcpfn@b", "patience(0)", "none"], both.Policies);
        AssertSameRows(aloneA, "lcpfn", both, "lcpfn@a");
        AssertSameRows(aloneB, "lcpfn", both, "lcpfn@b");
        AssertSameRows(aloneA, "patience(0)", both, "patience(0)");

        // Each model has its own cache: a shared one would answer b's queries from a's predictions (fewer misses).
        Assert.Equal([("a", aloneA.ModelQueries, aloneA.CacheHits), ("b", aloneB.ModelQueries, aloneB.CacheHits)], both.Models.Select(m => (m.Name!, m.ModelQueries, m.CacheHits)));
        Assert.True(aloneB.ModelQueries > 0);
        Assert.Equal(aloneA.ModelQueries + aloneB.ModelQueries, both.ModelQueries);
    }

    [Fact]
    public void Run_NamedModelsParallel_EveryModelPolicyRunsPerModelAndTheOthersOnce()
    {
        var options = new LcBenchBenchmarkOptions { Protocol = LcBenchProtocol.Parallel, Tasks = ["7593"], Pool = 30, Orderings = 1, BudgetRuns = 3, Workers = 2 };
        BenchmarkModel[] models = [new("a", _predictor), new("b", _predictor)];

        var report = Run(options, "freeze-thaw,lcpfn-remaining:0.1,asha", models);
        var modelFree = Run(options, "patience:1,oracle", models);

        Assert.Equal(["freeze-thaw@a", "freeze-thaw@b", "lcpfn-remaining(δ=0.1)@a", "lcpfn-remaining(δ=0.1)@b", "asha", "none"], report.Policies);
        AssertSameRows(report, "freeze-thaw@a", report, "freeze-thaw@b");
        Assert.Equal(["a", "b"], report.Models.Select(m => m.Name));
        Assert.Equal(["patience(1)", "oracle", "none"], modelFree.Policies);
        Assert.Empty(modelFree.Models);
        Assert.Equal(0, modelFree.ModelQueries);
    }

    [Fact]
    public async Task ExtrapolationRun_TwoNamedModels_RowsPerModelEqualTheirRunsAlone()
    {
        using var other = await TinyLcPfn.CreateAsync(seed: 1);
        var options = new ExtrapolationOptions { Tasks = ["7593"], CurvesPerTask = 6, CutoffPercents = [20, 80] };

        var both = Extrapolate(options, [new BenchmarkModel("a", _predictor), new BenchmarkModel("b", other)]);
        var aloneA = Extrapolate(options, [new BenchmarkModel(null, _predictor)]);
        var aloneB = Extrapolate(options, [new BenchmarkModel(null, other)]);

        Assert.Equal(["lcpfn@a", "lcpfn@b", "last-value", "power-law"], both.Methods);
        Assert.Equal(8, both.Overall.Count);
        foreach (var (alone, method) in new[] { (aloneA, "lcpfn@a"), (aloneB, "lcpfn@b"), (aloneA, "last-value"), (aloneA, "power-law") })
        {
            string aloneMethod = method.StartsWith("lcpfn", StringComparison.Ordinal) ? "lcpfn" : method;
            Assert.Equal(
                alone.PerTask.Where(r => r.Method == aloneMethod).Select(r => (r.CutoffPercent, r.LogLikelihood, r.Mse)),
                both.PerTask.Where(r => r.Method == method).Select(r => (r.CutoffPercent, r.LogLikelihood, r.Mse)));
        }

        Assert.NotEqual(aloneA.Overall.First(r => r.Method == "lcpfn").LogLikelihood, aloneB.Overall.First(r => r.Method == "lcpfn").LogLikelihood);
    }

    [Theory]
    [InlineData(new[] { "a", "a" }, "names model 'a' twice")]
    [InlineData(new[] { "a", null }, "without a name")]
    [InlineData(new[] { "a@1" }, "may contain only letters, digits")]
    [InlineData(new[] { "a,b" }, "may contain only letters, digits")]
    [InlineData(new[] { "" }, "a model name is empty")]
    public void ValidateNames_BadNames_ThrowNamingTheOption(string?[] names, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => BenchmarkModel.ValidateNames(names));

        Assert.Contains("--model", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static void AssertSameRows(LcBenchBenchmarkReport expected, string expectedPolicy, LcBenchBenchmarkReport actual, string actualPolicy)
    {
        var e = expected.Results.Where(r => r.Policy == expectedPolicy).ToArray();
        var a = actual.Results.Where(r => r.Policy == actualPolicy).ToArray();
        Assert.NotEmpty(e);
        Assert.Equal(e.Select(Figures), a.Select(Figures));
        Assert.Equal(e.Select(r => r.MeanRegret), a.Select(r => r.MeanRegret));
        Assert.Equal(
            expected.Summaries.Single(s => s.Policy == expectedPolicy) with { Policy = actualPolicy },
            actual.Summaries.Single(s => s.Policy == actualPolicy));

        static object Figures(TaskPolicyResult r) =>
            (r.TaskId, r.SpeedUp, r.FinalRegret, r.Area, r.RegretAt25, r.RegretAt50, r.MeanTrialsStarted, r.PoolExhausted, r.MeanPauses, r.MeanResumes, r.MeanStoppedForGood);
    }

    [Fact]
    public void PredictorSpeedRun_Smoke_LatenciesAreOrderedAndThroughputPositive()
    {
        var options = new PredictorSpeedOptions { Repetitions = 2, Warmup = 1, BatchSize = 4 };

        var report = PredictorSpeedBenchmark.Run(_predictor, options);

        Assert.Equal(2 * 46, report.SingleSamples);
        Assert.True(report.SingleP50 > 0 && report.SingleP99 >= report.SingleP50);
        Assert.True(report.BatchP99 >= report.BatchP50);
        Assert.Equal(4 / (report.BatchP50 / 1000), report.DecisionsPerSecond, 6);
        Assert.Equal(46, report.SingleP50ByCutoff.Count);
    }
}
