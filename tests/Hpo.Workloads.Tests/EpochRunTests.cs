using Hpo.Scheduler.Workloads;

namespace Hpo.Workloads.Tests;

public sealed class EpochRunTests
{
    [Fact]
    public async Task TrainEpochAsync_ConsecutiveEpochs_ReturnsEachEpochsMetric()
    {
        await using var run = new CountingRun();

        Assert.Equal(1.0, await run.TrainEpochAsync(1));
        Assert.Equal(2.0, await run.TrainEpochAsync(2));
        Assert.Equal(2, run.CompletedEpochs);
    }

    [Fact]
    public async Task ReplayAsync_ThreeEpochs_NextEpochIsFourAndNothingWasEvaluated()
    {
        await using var run = new CountingRun();

        await run.ReplayAsync(3, CancellationToken.None);

        Assert.Equal(0, run.Evaluations);
        Assert.Equal(4.0, await run.TrainEpochAsync(4));
    }

    [Fact]
    public async Task TrainEpochAsync_FailureMidEpoch_LaterEpochsRefuseTheHalfTrainedModel()
    {
        await using var run = new CountingRun { FailOnEpoch = 2 };
        await run.TrainEpochAsync(1);

        await Assert.ThrowsAsync<OperationCanceledException>(() => run.TrainEpochAsync(2));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => run.TrainEpochAsync(2));

        Assert.Contains("start a new run (with resumeAfterEpoch) to continue", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainEpochAsync_WhileAnEpochRuns_Throws()
    {
        await using var run = new CountingRun { Gate = new ManualResetEventSlim(false) };
        var first = run.TrainEpochAsync(1);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => run.TrainEpochAsync(1));
        run.Gate.Set();

        Assert.Contains("already training", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1.0, await first);
    }

    [Fact]
    public async Task DisposeAsync_WhileAnEpochRuns_WaitsForItBeforeReleasing()
    {
        var run = new CountingRun { Gate = new ManualResetEventSlim(false) };
        var epoch = run.TrainEpochAsync(1);

        var dispose = run.DisposeAsync().AsTask();
        Assert.False(run.Disposed);
        run.Gate.Set();
        await dispose;

        Assert.True(run.Disposed);
        Assert.Equal(1.0, await epoch);
    }

    private sealed class CountingRun : EpochRun
    {
        private int _trained;

        public int FailOnEpoch { get; init; }

        public ManualResetEventSlim? Gate { get; init; }

        public int Evaluations { get; private set; }

        public bool Disposed { get; private set; }

        protected override void TrainEpoch(CancellationToken cancellationToken)
        {
            Gate?.Wait(TimeSpan.FromSeconds(10), cancellationToken);
            _trained++;
            if (_trained == FailOnEpoch)
            {
                throw new OperationCanceledException("cancelled half-way");
            }
        }

        protected override double Evaluate()
        {
            Evaluations++;
            return _trained;
        }

        protected override void DisposeCore()
        {
            Disposed = true;
            Gate?.Dispose();
        }
    }
}
