using Hpo.Scheduler.SearchSpaces;
using Hpo.Workloads.MlNet;
using static Hpo.Workloads.Tests.WorkloadTestHelpers;

namespace Hpo.Workloads.Tests.MlNet;

public sealed class MlNetDigitsWorkloadTests
{
    private static readonly MlNetDigitsWorkload Workload = new();

    // One L-BFGS iteration per epoch, so a single cold epoch is far from converged.
    private static readonly TrialParameters OneIteration = Parameters(("iterations_per_epoch", 1L), ("l1_regularization", 1e-2), ("l2_regularization", 1e-2));

    [Fact]
    public async Task TrainEpochAsync_WarmStart_ImprovesOnEveryEarlierEpochsStartAndBeatsOneColdEpoch()
    {
        double[] warm = await CurveAsync(Workload, OneIteration, seed: 1, epochs: 10);
        double[] cold = await CurveAsync(Workload, OneIteration, seed: 1, epochs: 1);

        // Epoch k+1 starts from epoch k's weights: ten one-iteration epochs beat one by a wide margin,
        // and no later epoch falls back to the cold start.
        Assert.Equal(cold[0], warm[0]);
        Assert.True(warm[^1] > cold[0] + 0.05, $"warm {string.Join(' ', warm)} vs cold {cold[0]}");
        Assert.All(warm, a => Assert.True(a >= warm[0], $"curve {string.Join(' ', warm)}"));
        Assert.True(warm.Max() > 0.95, $"best validation accuracy {warm.Max():F3}");
    }

    [Fact]
    public async Task StartAsync_ResumeAfterEpoch_ContinuesTheUninterruptedCurveExactly()
    {
        double[] uninterrupted = await CurveAsync(Workload, OneIteration, seed: 4, epochs: 6);

        await using var resumed = await Workload.StartAsync(OneIteration, seed: 4, resumeAfterEpoch: 3);
        double[] tail = await ContinueAsync(resumed, 4, 6);

        Assert.Equal(uninterrupted[3..], tail);
    }

    [Fact]
    public async Task StartAsync_SameSeed_IdenticalCurve()
    {
        double[] first = await CurveAsync(Workload, OneIteration, seed: 2, epochs: 4);
        double[] second = await CurveAsync(Workload, OneIteration, seed: 2, epochs: 4);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task TrainEpochAsync_StrongRegularisation_HoldsAccuracyBelowWeakRegularisation()
    {
        double[] strong = await CurveAsync(Workload, Parameters(("l1_regularization", 100.0), ("l2_regularization", 100.0)), seed: 1, epochs: 5);
        double[] weak = await CurveAsync(Workload, Parameters(("l1_regularization", 1e-3), ("l2_regularization", 1e-3)), seed: 1, epochs: 5);

        Assert.True(strong.Max() < weak.Max(), $"strong {strong.Max():F3} vs weak {weak.Max():F3}");
    }

    [Theory]
    [InlineData("l1_regularization", -1.0, "Hyperparameter 'l1_regularization' of workload 'mlnet-digits' must be in [0, 1000]; it is -1.")]
    [InlineData("optimization_tolerance", 0.0, "Hyperparameter 'optimization_tolerance' of workload 'mlnet-digits' must be in (0, 0.1]; it is 0.")]
    [InlineData("iterations_per_epoch", 0L, "Hyperparameter 'iterations_per_epoch' of workload 'mlnet-digits' must be an integer in [1, 1000]; it is 0.")]
    [InlineData("learning_rate", 0.1, "Workload 'mlnet-digits' has no hyperparameter 'learning_rate'")]
    public async Task StartAsync_BadHyperparameter_ThrowsNamingIt(string name, object value, string expected)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Workload.StartAsync(Parameters((name, value)), seed: 1));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
