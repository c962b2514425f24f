using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.Datasets;
using Hpo.Workloads.Digits;
using TorchSharp;
using static Hpo.Workloads.Tests.WorkloadTestHelpers;

namespace Hpo.Workloads.Tests.Digits;

[Collection(TorchCollection.Name)]
public sealed class DigitsMlpWorkloadTests
{
    private static readonly DigitsMlpWorkload Workload = new();

    private static readonly TrialParameters Sane = Parameters(
        ("learning_rate", 1e-3), ("optimizer", "adamw"), ("batch_size", 32L), ("width", 128L), ("depth", 1L), ("dropout", 0.1), ("weight_decay", 1e-4), ("epochs", 20L));

    [Fact]
    public async Task TrainEpochAsync_SaneConfiguration_ExceedsNinetyPercentWithinTwentyEpochs()
    {
        double[] curve = await CurveAsync(Workload, Sane, seed: 1, epochs: 20);

        Assert.All(curve, a => Assert.InRange(a, 0, 1));
        Assert.True(curve.Max() > 0.9, $"best validation accuracy {curve.Max():F3}");
        Assert.True(curve[^1] > curve[0], $"the curve should rise: {string.Join(' ', curve)}");
    }

    [Fact]
    public async Task TrainEpochAsync_SgdTanhThreeLayers_Learns()
    {
        var parameters = Parameters(("learning_rate", 0.05), ("optimizer", "sgd"), ("activation", "tanh"), ("depth", 3L), ("width", 32L), ("batch_size", 64L), ("dropout", 0.2));

        double[] curve = await CurveAsync(Workload, parameters, seed: 3, epochs: 8);

        Assert.True(curve.Max() > 0.8, $"best validation accuracy {curve.Max():F3}");
    }

    [Fact]
    public async Task SaveModelAsync_StateDictLoadedIntoFreshNetwork_ScoresTheEpochsValue()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("hpo-mlp-model").FullName, "best" + ".dat");
        double value;
        var run = await Workload.StartAsync(Sane, seed: 2);
        await using (run)
        {
            await run.TrainEpochAsync(1);
            value = await run.TrainEpochAsync(2);
            var trained = Assert.IsAssignableFrom<ITrainedModelRun>(run);
            Assert.Equal(".dat", trained.ModelFileExtension);
            await trained.SaveModelAsync(path);
        }

        // A network built afresh (other random weights) takes the saved weights and scores the validation split as the run did.
        var split = DatasetSplit.Stratified(BuiltInDatasets.LoadDigits(), 0.2, DatasetSplitOptions.DefaultSplitSeed).Standardized();
        using var generator = new torch.Generator(99);
        using var network = new MlpNetwork(split.Train.FeatureCount, split.Train.ClassCount, width: 128, depth: 1, dropout: 0.1, tanh: false, generator);
        network.load(path);
        network.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var features = torch.tensor(split.Validation.Features.ToArray(), [split.Validation.RowCount, split.Validation.FeatureCount]);
        var labels = torch.tensor(split.Validation.Labels.ToArray().Select(l => (long)l).ToArray());
        long correct = network.call(features).argmax(1).eq(labels).sum().item<long>();
        Assert.Equal(value, (double)correct / split.Validation.RowCount, 12);
    }

    [Fact]
    public async Task StartAsync_SameSeed_IdenticalCurveWhateverTorchsGlobalSeed()
    {
        torch.manual_seed(11);
        double[] first = await CurveAsync(Workload, Sane, seed: 5, epochs: 6);
        torch.manual_seed(99);
        double[] second = await CurveAsync(Workload, Sane, seed: 5, epochs: 6);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task StartAsync_DifferentSeeds_DifferentCurves()
    {
        double[] first = await CurveAsync(Workload, Sane, seed: 5, epochs: 6);
        double[] second = await CurveAsync(Workload, Sane, seed: 6, epochs: 6);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task StartAsync_ConcurrentRuns_SameCurvesAsAlone()
    {
        double[] alone5 = await CurveAsync(Workload, Sane, seed: 5, epochs: 4);
        double[] alone6 = await CurveAsync(Workload, Sane, seed: 6, epochs: 4);

        // Each run draws from its own generator, so interleaving two runs changes neither curve.
        double[][] together = await Task.WhenAll(
            Task.Run(() => CurveAsync(Workload, Sane, seed: 5, epochs: 4)),
            Task.Run(() => CurveAsync(Workload, Sane, seed: 6, epochs: 4)));

        Assert.Equal(alone5, together[0]);
        Assert.Equal(alone6, together[1]);
    }

    [Theory]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public async Task TrainEpochAsync_DivergingLearningRate_StillReportsAnAccuracy(string optimizer)
    {
        var parameters = Parameters(("learning_rate", 10.0), ("optimizer", optimizer), ("width", 64L), ("batch_size", 256L));

        double[] curve = await CurveAsync(Workload, parameters, seed: 1, epochs: 3);

        Assert.All(curve, a => Assert.InRange(a, 0, 1));
    }

    [Fact]
    public async Task StartAsync_ResumeAfterEpoch_ContinuesTheUninterruptedCurveExactly()
    {
        double[] uninterrupted = await CurveAsync(Workload, Sane, seed: 9, epochs: 8);

        await using var resumed = await Workload.StartAsync(Sane, seed: 9, resumeAfterEpoch: 4);
        double[] tail = await ContinueAsync(resumed, 5, 8);

        Assert.Equal(uninterrupted[4..], tail);
    }

    [Fact]
    public async Task TrainEpochAsync_SkippingAnEpoch_ThrowsNamingTheNextEpoch()
    {
        await using var run = await Workload.StartAsync(Sane, seed: 1);
        await run.TrainEpochAsync(1);

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => run.TrainEpochAsync(3));

        Assert.Contains("the next epoch of this run is 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainEpochAsync_CancelledBeforeItStarts_LeavesTheRunUsable()
    {
        await using var run = await Workload.StartAsync(Sane, seed: 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.TrainEpochAsync(1, new CancellationToken(canceled: true)));
        double accuracy = await run.TrainEpochAsync(1);

        Assert.InRange(accuracy, 0, 1);
    }

    [Fact]
    public async Task TrainEpochAsync_CancelledMidEpoch_StopsWithinTheEpoch()
    {
        // Batch size 1 makes an epoch about 1,400 optimizer steps, each of which checks the token; at width 1024
        // and depth 4 each step is about a million multiply-adds forward and twice that backward, so an epoch takes
        // far longer than the 20 ms after which the token fires, even on an idle fast machine (an earlier 256-wide
        // version finished its epoch inside 100 ms on a quiet machine).
        await using var run = await Workload.StartAsync(Parameters(("batch_size", 1L), ("width", 1024L), ("depth", 4L)), seed: 1);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.TrainEpochAsync(1, cancellation.Token));
    }

    [Fact]
    public async Task TrainEpochAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var run = await Workload.StartAsync(Sane, seed: 1);
        await run.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => run.TrainEpochAsync(1));
    }

    [Theory]
    [InlineData("learning_rate", -0.1, "Hyperparameter 'learning_rate' of workload 'digits-mlp' must be in (0, 10]; it is -0.1.")]
    [InlineData("batch_size", 0L, "Hyperparameter 'batch_size' of workload 'digits-mlp' must be an integer in [1, 4096]; it is 0.")]
    [InlineData("width", 1.5, "Hyperparameter 'width' of workload 'digits-mlp' must be an integer; it is 1.5.")]
    [InlineData("dropout", 1.0, "Hyperparameter 'dropout' of workload 'digits-mlp' must be in [0, 0.95]; it is 1.")]
    [InlineData("optimizer", "adam", "Hyperparameter 'optimizer' of workload 'digits-mlp' must be one of 'adamw', 'sgd'; it is 'adam'.")]
    [InlineData("learning_rate", "fast", "Hyperparameter 'learning_rate' of workload 'digits-mlp' must be a number; it is fast.")]
    [InlineData("lr", 0.1, "Workload 'digits-mlp' has no hyperparameter 'lr'; known: learning_rate, batch_size, width, depth, dropout, weight_decay, optimizer, momentum, activation (and 'epochs').")]
    public async Task StartAsync_BadHyperparameter_ThrowsNamingIt(string name, object value, string expected)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Workload.StartAsync(Parameters((name, value)), seed: 1));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MissingDataset_ThrowsFileNotFoundNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "hpo-no-such-digits.csv.gz");
        var workload = new DigitsMlpWorkload(new DigitsMlpOptions { Data = new DatasetSplitOptions { DatasetPath = path } });

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => workload.StartAsync(Sane, seed: 1));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ZeroThreads_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DigitsMlpWorkload(new DigitsMlpOptions { TorchThreads = 0 }));

        Assert.Contains("TorchThreads must be in [1, 64]", ex.Message, StringComparison.Ordinal);
    }
}
