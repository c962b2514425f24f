using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary>
/// The contract of <see cref="IResumableWorkload"/>, one derived class per workload: train k epochs, write the
/// checkpoint, restore it in a fresh run (a fresh workload instance, as on another worker) and train on; epochs
/// k + 1.. equal the uninterrupted run's (within <see cref="Tolerance"/>, zero unless the derived class says why). A
/// corrupt checkpoint, another epoch's or another configuration's is refused with <see cref="InvalidDataException"/>.
/// </summary>
public abstract class ResumableWorkloadContractTests
{
    /// <summary>A fresh workload instance (each resume gets its own, as a different worker would).</summary>
    protected abstract IResumableWorkload CreateWorkload();

    /// <summary>A configuration the workload trains.</summary>
    protected abstract TrialParameters Parameters { get; }

    /// <summary>Another configuration the workload trains (its checkpoint must not resume <see cref="Parameters"/>).</summary>
    protected abstract TrialParameters OtherParameters { get; }

    /// <summary>Epochs before the pause.</summary>
    protected virtual int PauseAfter => 2;

    /// <summary>Epochs in all.</summary>
    protected virtual int Epochs => 4;

    /// <summary>How far a resumed epoch may differ from the uninterrupted one; 0 (exact) unless overridden with the reason.</summary>
    protected virtual double Tolerance => 0;

    private const int Seed = 11;

    [Fact]
    public async Task ResumeAsync_AfterCheckpoint_ContinuesLikeTheUninterruptedRun()
    {
        var uninterrupted = new List<double>();
        var workload = CreateWorkload();
        try
        {
            await using var run = await workload.StartAsync(Parameters, Seed);
            for (int epoch = 1; epoch <= Epochs; epoch++)
            {
                uninterrupted.Add(await run.TrainEpochAsync(epoch));
            }
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }

        byte[] checkpoint = await CheckpointAfterAsync(Parameters, PauseAfter);
        var resumed = new List<double>();
        var other = CreateWorkload();
        try
        {
            await using var run = await other.ResumeAsync(Parameters, Seed, PauseAfter, new MemoryStream(checkpoint));
            for (int epoch = PauseAfter + 1; epoch <= Epochs; epoch++)
            {
                resumed.Add(await run.TrainEpochAsync(epoch));
            }
        }
        finally
        {
            (other as IDisposable)?.Dispose();
        }

        Assert.Equal(Epochs - PauseAfter, resumed.Count);
        for (int i = 0; i < resumed.Count; i++)
        {
            Assert.True(
                Math.Abs(resumed[i] - uninterrupted[PauseAfter + i]) <= Tolerance,
                $"epoch {PauseAfter + i + 1}: resumed {resumed[i]:R}, uninterrupted {uninterrupted[PauseAfter + i]:R} (tolerance {Tolerance})");
        }
    }

    [Fact]
    public async Task ResumeAsync_CorruptCheckpoint_InvalidDataNamingTheProblem()
    {
        byte[] checkpoint = await CheckpointAfterAsync(Parameters, PauseAfter);
        var workload = CreateWorkload();
        try
        {
            var garbage = await Assert.ThrowsAsync<InvalidDataException>(() => workload.ResumeAsync(Parameters, Seed, PauseAfter, new MemoryStream([1, 2, 3, 4, 5])));
            Assert.Contains("checkpoint", garbage.Message, StringComparison.Ordinal);

            var truncated = await Assert.ThrowsAsync<InvalidDataException>(() => workload.ResumeAsync(Parameters, Seed, PauseAfter, new MemoryStream(checkpoint[..(checkpoint.Length / 2)])));
            Assert.Contains("corrupt", truncated.Message, StringComparison.Ordinal);
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task ResumeAsync_OtherEpochOrConfiguration_InvalidDataSayingWhich()
    {
        byte[] checkpoint = await CheckpointAfterAsync(Parameters, PauseAfter);
        var workload = CreateWorkload();
        try
        {
            var epoch = await Assert.ThrowsAsync<InvalidDataException>(() => workload.ResumeAsync(Parameters, Seed, PauseAfter + 1, new MemoryStream(checkpoint)));
            Assert.Contains($"epoch {PauseAfter}", epoch.Message, StringComparison.Ordinal);

            var configuration = await Assert.ThrowsAsync<InvalidDataException>(() => workload.ResumeAsync(OtherParameters, Seed, PauseAfter, new MemoryStream(checkpoint)));
            Assert.Contains("configuration", configuration.Message, StringComparison.Ordinal);
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
    }

    private async Task<byte[]> CheckpointAfterAsync(TrialParameters parameters, int epochs)
    {
        var workload = CreateWorkload();
        try
        {
            await using var run = await workload.StartAsync(parameters, Seed);
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                await run.TrainEpochAsync(epoch);
            }

            var resumable = Assert.IsAssignableFrom<IResumableWorkloadRun>(run);
            using var buffer = new MemoryStream();
            await resumable.SaveCheckpointAsync(buffer);
            return buffer.ToArray();
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
    }
}
