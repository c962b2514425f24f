using System.Diagnostics;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping.Patience;
using Hpo.Workloads.Tests.TestDoubles;
using Hpo.Scheduler.Tuning;
using Hpo.Workloads.LcBench;
using Xunit.Abstractions;

namespace Hpo.Workloads.Tests;

public sealed class LcBenchWorkloadTests(ITestOutputHelper output, LcBenchWorkloadTests.SurrogateFixture fixture) : IClassFixture<LcBenchWorkloadTests.SurrogateFixture>
{
    private static TrialParameters ReadmeExample => new(
    [
        new("batch_size", 64L), new("learning_rate", 0.01), new("momentum", 0.9), new("weight_decay", 0.001),
        new("num_layers", 3L), new("max_units", 256L), new("max_dropout", 0.2),
    ]);

    [Fact]
    public async Task TrainEpochAsync_ReadmeExample_ReproducesPublishedValues()
    {
        using var workload = new LcBenchWorkload(RepoPaths.LcBench, "3945");
        await using var run = await workload.StartAsync(ReadmeExample, seed: 0);

        var curve = new List<double>();
        for (int epoch = 1; epoch <= 52; epoch++)
        {
            curve.Add(await run.TrainEpochAsync(epoch));
        }

        // README: val_accuracy 40.4 at epoch 1, 88.6 at 6, 89.1 at 26, 90.6 at 51 (percent; we report fractions).
        Assert.Equal(0.404, curve[0], 0.001);
        Assert.Equal(0.886, curve[5], 0.001);
        Assert.Equal(0.891, curve[25], 0.001);
        Assert.Equal(0.906, curve[50], 0.001);
        Assert.Equal("val_accuracy", workload.MetricName);
        Assert.True(workload.HigherIsBetter);
    }

    [Fact]
    public void PredictCurves_Batch_SameAsOneByOneAndTimed()
    {
        var surrogate = fixture.Surrogate;
        var configs = Enumerable.Range(0, 64).Select(i => surrogate.SearchSpace.Sample(new Random(i))).ToArray();
        surrogate.PredictCurves("7593", configs[..1]);

        var watch = Stopwatch.StartNew();
        var batch = surrogate.PredictCurves("7593", configs);
        watch.Stop();

        var single = Stopwatch.StartNew();
        foreach (var config in configs[..16])
        {
            surrogate.PredictCurves("7593", [config]);
        }

        single.Stop();
        output.WriteLine($"LCBench surrogate: {watch.Elapsed.TotalMilliseconds / configs.Length:F2} ms per 52-epoch curve in a batch of {configs.Length}; {single.Elapsed.TotalMilliseconds / 16:F2} ms per curve one at a time");
        foreach (int i in new[] { 0, 17, 63 })
        {
            var alone = surrogate.PredictCurves("7593", [configs[i]])[0];
            Assert.Equal(alone, batch[i], (a, b) => Math.Abs(a - b) < 1e-5);
        }

        Assert.All(batch, c => Assert.Equal(52, c.Length));
        Assert.All(batch.SelectMany(c => c), v => Assert.InRange(v, 0, 1));
    }

    [Fact]
    public void SearchSpace_FromConfigSpaceJson_SevenDimensionsWithLogScales()
    {
        var space = LcBenchSearchSpace.Load(RepoPaths.LcBench);

        Assert.Equal(["batch_size", "learning_rate", "max_dropout", "max_units", "momentum", "num_layers", "weight_decay"], space.Parameters.Select(p => p.Name));
        Assert.True(Assert.IsType<IntParameter>(space["batch_size"]).Log);
        Assert.True(Assert.IsType<FloatParameter>(space["learning_rate"]).Log);
        Assert.True(Assert.IsType<IntParameter>(space["max_units"]).Log);
        Assert.False(Assert.IsType<FloatParameter>(space["weight_decay"]).Log);
        Assert.Equal(16, ((IntParameter)space["batch_size"]).Low);
        Assert.Equal(512, ((IntParameter)space["batch_size"]).High);
        space.Validate(ReadmeExample);
    }

    [Fact]
    public async Task StartAsync_ResumeAfterEpoch_ServesTheSameCurveFromThere()
    {
        using var workload = new LcBenchWorkload(fixture.Surrogate, "3945");
        await using var full = await workload.StartAsync(ReadmeExample, 0);
        var expected = new List<double>();
        for (int epoch = 1; epoch <= 10; epoch++)
        {
            expected.Add(await full.TrainEpochAsync(epoch));
        }

        await using var resumed = await workload.StartAsync(ReadmeExample, 0, resumeAfterEpoch: 7);

        Assert.Equal(expected[7], await resumed.TrainEpochAsync(8));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => resumed.TrainEpochAsync(10));
    }

    [Fact]
    public async Task TrainEpochAsync_CurveComputedInParts_MatchesTheWholeCurve()
    {
        using var workload = new LcBenchWorkload(fixture.Surrogate, "3945");
        var whole = workload.PredictCurves([ReadmeExample])[0];
        await using var run = await workload.StartAsync(ReadmeExample, 0);

        var served = new List<double>();
        for (int epoch = 1; epoch <= LcBenchSurrogate.Epochs; epoch++)
        {
            served.Add(await run.TrainEpochAsync(epoch));
        }

        Assert.Equal(whole, served, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(40)]
    public async Task StartAsync_ResumedAnywhere_ServesExactlyTheValuesOfAnUninterruptedRun(int resumeAfterEpoch)
    {
        // The parts are fixed, so a trial resumed on another worker (or after a crash) records the very values it would
        // have: a different value for an epoch recorded before would be a conflict.
        using var workload = new LcBenchWorkload(fixture.Surrogate, "3945");
        await using var full = await workload.StartAsync(ReadmeExample, 0);
        var expected = new List<double>();
        for (int epoch = 1; epoch <= LcBenchSurrogate.Epochs; epoch++)
        {
            expected.Add(await full.TrainEpochAsync(epoch));
        }

        await using var resumed = await workload.StartAsync(ReadmeExample, 0, resumeAfterEpoch);
        for (int epoch = resumeAfterEpoch + 1; epoch <= LcBenchSurrogate.Epochs; epoch++)
        {
            Assert.Equal(expected[epoch - 1], await resumed.TrainEpochAsync(epoch));
        }
    }

    [Fact]
    public void PredictEpochs_RangeOutsideTheCurve_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Surrogate.PredictEpochs("3945", ReadmeExample, 0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Surrogate.PredictEpochs("3945", ReadmeExample, 5, 53));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Surrogate.PredictEpochs("3945", ReadmeExample, 9, 8));
        Assert.Equal(4, fixture.Surrogate.PredictEpochs("3945", ReadmeExample, 5, 8).Length);
    }

    [Fact]
    public void Constructor_UnknownTask_ThrowsNamingTask()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LcBenchWorkload(fixture.Surrogate, "42"));

        Assert.Contains("'42'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ConfigurationOutsideSpace_ThrowsNamingParameter()
    {
        using var workload = new LcBenchWorkload(fixture.Surrogate, "3945");
        var bad = new TrialParameters(ReadmeExample.Where(kv => kv.Key != "momentum").Append(new("momentum", 2.0)));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => workload.StartAsync(bad, 0));

        Assert.Contains("'momentum'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExperimentRunner_OnLcBench_PatienceSavesEpochs()
    {
        using var workload = new LcBenchWorkload(fixture.Surrogate, "3945");
        var store = new InMemoryExperimentStore();
        var spec = new ExperimentSpec("lcbench-3945", "val_accuracy", MetricDirection.Maximize, 0, 1, 52, workload.SearchSpace.ToJson(), """{"type":"random"}""", """{"type":"patience","k":2}""");

        var watch = Stopwatch.StartNew();
        var summary = await new ExperimentRunner(store).RunAsync(spec, workload, new PatienceStoppingPolicy(new PatienceOptions { K = 2 }), new RandomSearchTuner(workload.SearchSpace, 1), new ExperimentOptions { MaxTrials = 20, Concurrency = 4 });
        watch.Stop();

        output.WriteLine($"20 LCBench trials, patience(2): {summary.EpochsUsed} epochs of {summary.EpochsWithoutStopping} ({summary.EpochSpeedup:F2}x), {summary.EpochsUsed / watch.Elapsed.TotalSeconds:F0} decisions/s in {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(20, summary.Trials);
        Assert.True(summary.EpochsUsed < summary.EpochsWithoutStopping);
        Assert.InRange(summary.BestValue!.Value, 0.5, 1);
    }

    /// <summary>One loaded surrogate per test class (loading the ONNX model is the slow part).</summary>
    public sealed class SurrogateFixture : IDisposable
    {
        public LcBenchSurrogate Surrogate { get; } = new(RepoPaths.LcBench);

        public void Dispose() => Surrogate.Dispose();
    }
}
