using Hpo.Scheduler.SearchSpaces;
using Hpo.Workloads.MlNet;
using Microsoft.ML.Trainers;
using static Hpo.Workloads.Tests.WorkloadTestHelpers;

namespace Hpo.Workloads.Tests.MlNet;

public sealed class MlNetBreastCancerWorkloadTests
{
    private static readonly MlNetBreastCancerWorkload Workload = new();

    private static readonly TrialParameters SlowLearner = Parameters(("learning_rate", 1e-4), ("l2_regularization", 1e-6), ("iterations_per_epoch", 1L));

    private static readonly TrialParameters FastLearner = Parameters(("learning_rate", 1.0), ("l2_regularization", 1e-6), ("iterations_per_epoch", 1L));

    [Fact]
    public async Task TrainEpochAsync_WarmStart_ImprovesOnOneColdEpoch()
    {
        double[] warm = await CurveAsync(Workload, SlowLearner, seed: 1, epochs: 20);
        double[] cold = await CurveAsync(Workload, SlowLearner, seed: 1, epochs: 1);

        Assert.Equal(cold[0], warm[0]);
        Assert.True(warm[^1] > cold[0], $"warm {string.Join(' ', warm)} vs cold {cold[0]}");
        Assert.All(warm, a => Assert.True(a >= warm[0], $"curve {string.Join(' ', warm)}"));
    }

    [Fact]
    public async Task TrainEpochAsync_WarmStart_EachEpochContinuesThePreviousWeights()
    {
        await using var run = await Workload.StartAsync(SlowLearner, seed: 1);
        var typed = Assert.IsType<MlNetWarmStartRun<LinearModelParameters>>(run);
        var norms = new List<double>();
        for (int epoch = 1; epoch <= 10; epoch++)
        {
            await run.TrainEpochAsync(epoch);
            norms.Add(Math.Sqrt(typed.Model!.Weights.Sum(w => (double)w * w)));
        }

        // With a small step from zero weights one epoch moves the weights a little; continuing from the
        // previous epoch accumulates the moves, so the norm keeps growing (a cold epoch would stay at norms[0]).
        Assert.True(norms[^1] > 4 * norms[0], $"weight norms {string.Join(' ', norms)}");
        Assert.Equal(norms.Order(), norms);
    }

    [Fact]
    public async Task StartAsync_SameSeed_IdenticalCurve()
    {
        double[] first = await CurveAsync(Workload, FastLearner, seed: 2, epochs: 8);
        double[] second = await CurveAsync(Workload, FastLearner, seed: 2, epochs: 8);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task StartAsync_DifferentSeeds_DifferentCurves()
    {
        double[] first = await CurveAsync(Workload, FastLearner, seed: 2, epochs: 8);
        double[] second = await CurveAsync(Workload, FastLearner, seed: 3, epochs: 8);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task StartAsync_ResumeAfterEpoch_ContinuesTheUninterruptedCurveExactly()
    {
        double[] uninterrupted = await CurveAsync(Workload, FastLearner, seed: 4, epochs: 8);

        await using var resumed = await Workload.StartAsync(FastLearner, seed: 4, resumeAfterEpoch: 5);
        double[] tail = await ContinueAsync(resumed, 6, 8);

        Assert.Equal(uninterrupted[5..], tail);
    }

    [Fact]
    public void MixSeed_SameInputs_SameValueInEveryProcess()
    {
        // A golden value (checked against an independent SplitMix64): a per-process randomised hash here
        // would make curves differ between workers.
        Assert.Equal(MlNetData.MixSeed(1, 1), MlNetData.MixSeed(1, 1));
        Assert.Equal(2_103_022_959, MlNetData.MixSeed(1, 1));
        Assert.NotEqual(MlNetData.MixSeed(1, 2), MlNetData.MixSeed(2, 1));
    }

    [Theory]
    [InlineData("learning_rate", 0.0, "Hyperparameter 'learning_rate' of workload 'mlnet-breast-cancer' must be in (0, 10]; it is 0.")]
    [InlineData("l2_regularization", 11.0, "Hyperparameter 'l2_regularization' of workload 'mlnet-breast-cancer' must be in [0, 10]; it is 11.")]
    [InlineData("iterations_per_epoch", true, "Hyperparameter 'iterations_per_epoch' of workload 'mlnet-breast-cancer' must be an integer; it is True.")]
    public async Task StartAsync_BadHyperparameter_ThrowsNamingIt(string name, object value, string expected)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Workload.StartAsync(Parameters((name, value)), seed: 1));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
