using Hpo.Benchmarks;

namespace Hpo.Benchmarks.Tests;

public sealed class PoolSimulationTests
{
    // Curve 1 peaks at epoch 2; curve 0 never beats it.
    private static readonly LcBenchPool Pool = new("1", [[0.1, 0.2, 0.3], [0.5, 0.6, 0.4]]);

    [Fact]
    public void Tick_NoStoppingOneWorker_RegretFollowsTheBestValueSoFar()
    {
        var sim = new PoolSimulation(Pool, [0, 1], workers: 1, budget: 6);

        while (!sim.Done)
        {
            sim.Tick(BenchmarkPolicy.None.For(Pool), CancellationToken.None);
        }

        Assert.Equal([0.5, 0.4, 0.3, 0.1, 0.0, 0.0], sim.Regret.Select(r => Math.Round(r, 12)));
        Assert.Equal(2, sim.TrialsStarted);
        Assert.False(sim.PoolExhausted);
    }

    [Fact]
    public void Tick_Oracle_RunsTheWinnerToItsPeakAndTheLoserOneEpoch()
    {
        var oracle = BenchmarkPolicy.ParseList("oracle", 0.05, null)[0].For(Pool);
        var sim = new PoolSimulation(Pool, [1, 0], workers: 1, budget: 6);

        while (!sim.Done)
        {
            sim.Tick(oracle, CancellationToken.None);
        }

        Assert.Equal(3, sim.Spent);
        Assert.True(sim.PoolExhausted);
        Assert.Equal([0.1, 0.0, 0.0, 0.0, 0.0, 0.0], sim.Regret.Select(r => Math.Round(r, 12)));
    }

    [Fact]
    public void Tick_TwoWorkers_EachUnitSpendsOneEpochPerBusyWorkerAndStartsInOrder()
    {
        var pool = new LcBenchPool("1", [[0.1, 0.2], [0.3, 0.4], [0.9, 0.95]]);
        var sim = new PoolSimulation(pool, [0, 1, 2], workers: 2, budget: 6);
        var spent = new List<int>();

        while (!sim.Done)
        {
            sim.Tick(BenchmarkPolicy.None.For(pool), CancellationToken.None);
            spent.Add(sim.Spent);
        }

        Assert.Equal([2, 4, 5, 6], spent);
        Assert.Equal(3, sim.TrialsStarted);
        Assert.Equal(0, sim.Regret[^1], 12);
        Assert.Equal(0.95 - 0.4, sim.Regret[3], 12);
    }
}
