using Hpo.LcPfn.Models;
using Hpo.LcPfn.Training;
using TorchSharp;

namespace Hpo.LcPfn.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class LcPfnTrainerTests
{
    private static float[] Weights(LcPfnModel model) =>
        model.Network.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public async Task TrainAsync_SameSeedTwice_GivesIdenticalWeights()
    {
        string dir = TinyModels.TempDirectory();
        using var a = await LcPfnTrainer.TrainAsync(TinyModels.Options(), Path.Combine(dir, "a.lcpfn"));
        using var b = await LcPfnTrainer.TrainAsync(TinyModels.Options(), Path.Combine(dir, "b.lcpfn"));

        Assert.Equal(Weights(a), Weights(b));
        Assert.Equal(a.Distribution.Borders, b.Distribution.Borders);
    }

    [Fact]
    public async Task TrainAsync_InterruptedThenResumed_MatchesUninterruptedRun()
    {
        string dir = TinyModels.TempDirectory();
        var options = TinyModels.Options(steps: 8) with { Dropout = 0.1 };
        using var reference = await LcPfnTrainer.TrainAsync(options, Path.Combine(dir, "ref.lcpfn"));

        string path = Path.Combine(dir, "resumed.lcpfn");
        using var cts = new CancellationTokenSource();
        var stopAfter3 = new CallbackProgress(p =>
        {
            if (p.Step == 3)
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LcPfnTrainer.TrainAsync(options, path, progress: stopAfter3, cancellationToken: cts.Token));
        Assert.Equal(3, LcPfnModel.Load(LcPfnTrainer.CheckpointPath(path)).Metadata.Steps);

        var steps = new List<long>();
        using var resumed = await LcPfnTrainer.TrainAsync(options, path, resume: true, progress: new CallbackProgress(p => steps.Add(p.Step)));

        Assert.Equal(new long[] { 4, 5, 6, 7, 8 }, steps);
        Assert.Equal(Weights(reference), Weights(resumed));
        Assert.Equal(8, resumed.Metadata.Steps);
        Assert.Equal(64, resumed.Metadata.CurvesSeen);
    }

    [Fact]
    public async Task TrainAsync_ResumeWithDifferentLearningRate_ThrowsNamingTheOption()
    {
        string dir = TinyModels.TempDirectory();
        string path = Path.Combine(dir, "m.lcpfn");
        using (await LcPfnTrainer.TrainAsync(TinyModels.Options(steps: 2), path))
        {
        }

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => LcPfnTrainer.TrainAsync(TinyModels.Options(steps: 2) with { LearningRate = 0.5 }, path, resume: true));
        Assert.Contains("learning rate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_CheckpointExistsWithoutResume_ThrowsSuggestingResume()
    {
        string dir = TinyModels.TempDirectory();
        string path = Path.Combine(dir, "m.lcpfn");
        using (await LcPfnTrainer.TrainAsync(TinyModels.Options(steps: 2), path))
        {
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => LcPfnTrainer.TrainAsync(TinyModels.Options(steps: 2), path));
        Assert.Contains("--resume", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_OutputIsAFolder_ThrowsBeforeTraining()
    {
        string dir = TinyModels.TempDirectory();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => LcPfnTrainer.TrainAsync(TinyModels.Options(steps: 1), dir));
        Assert.Contains("is a folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_CudaWithoutCuda_ThrowsClearMessage()
    {
        string dir = TinyModels.TempDirectory();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => LcPfnTrainer.TrainAsync(TinyModels.Options(steps: 1) with { Device = "cuda" }, Path.Combine(dir, "m.lcpfn")));
        Assert.Contains("CUDA is not available", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_ShortRun_LowersTheLoss()
    {
        string dir = TinyModels.TempDirectory();
        var losses = new List<double>();
        using var model = await LcPfnTrainer.TrainAsync(
            TinyModels.Options(steps: 60) with { BatchSize = 16, LearningRate = 3e-3, CheckpointInterval = 100 },
            Path.Combine(dir, "m.lcpfn"),
            progress: new CallbackProgress(p => losses.Add(p.Loss)));

        Assert.True(losses.TakeLast(15).Average() < losses.Take(15).Average(), $"first {losses.Take(15).Average():F3}, last {losses.TakeLast(15).Average():F3}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public void QueryLoss_ChunkedHead_EqualsOneCallOverAllQueryPositions(int cutoff)
    {
        using var model = TinyModels.RandomModel();
        using var scope = torch.NewDisposeScope();
        const int batch = 64;
        var prior = new Hpo.LcPfn.Prior.LearningCurvePrior(20);
        var values = new float[batch * 20];
        prior.SampleMany(1, Hpo.LcPfn.Prior.PriorStream.Evaluation, 0, batch, values);
        var y = torch.tensor(values, [batch, 20]);
        var epochs = torch.arange(1, 21, dtype: torch.ScalarType.Float32).unsqueeze(0).expand(batch, 20);
        var observed = torch.arange(20).lt(cutoff).to_type(torch.ScalarType.Float32).unsqueeze(0);
        var hidden = model.Network.forward(epochs, y, observed);

        double chunked = LcPfnTrainer.QueryLoss(model, hidden, y, cutoff).item<float>();
        double direct = model.Distribution.LogDensity(model.Network.Decode(hidden.narrow(1, cutoff, 20 - cutoff)), y.narrow(1, cutoff, 20 - cutoff)).mean().neg().item<float>();

        Assert.True(batch * (20 - cutoff) > LcPfnTrainer.HeadChunkRows, "the case must span several chunks");
        Assert.Equal(direct, chunked, 1e-4);
    }

    [Fact]
    public void LearningRateAt_WarmupThenCosine_RisesPeaksAndDecays()
    {
        var o = new LcPfnTrainingOptions { Steps = 100, LearningRate = 1e-3, WarmupFraction = 0.25 };

        Assert.Equal(1e-3 / 25, o.LearningRateAt(0), 12);
        Assert.Equal(1e-3, o.LearningRateAt(24), 12);
        Assert.True(o.LearningRateAt(60) < o.LearningRateAt(30));
        Assert.Equal(0.5e-3, o.LearningRateAt(25 + 37), 4);
        Assert.True(o.LearningRateAt(99) < 1e-5);
    }

    [Theory]
    [InlineData(0L, "steps")]
    [InlineData(-1L, "steps")]
    public void Validate_BadSteps_ThrowsNamingTheOption(long steps, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new LcPfnTrainingOptions { Steps = steps }.Validate());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private sealed class CallbackProgress(Action<TrainingProgress> callback) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => callback(value);
    }
}
