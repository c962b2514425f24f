using Hpo.Benchmarks;
using Hpo.Scheduler.Stopping;

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

    [Fact]
    public void Tick_AshaPromoteOneWorker_PausesAndResumesAsAlgorithm2()
    {
        // η 2, r_min 1, 4 epochs: rungs at 1 and 2. Trial 3 (curve 2) wins rung 1, then rung 2, and runs to the end;
        // trial 1 waits at rung 2 and trial 2 at rung 1, never promoted; the pool is then used up.
        var pool = new LcBenchPool("1", [[0.5, 0.6, 0.7, 0.8], [0.3, 0.4, 0.5, 0.6], [0.9, 0.91, 0.92, 0.93]]);
        var policy = new StoppingPolicyFactory().Create("""{"type":"asha-promote","eta":2}""");
        var sim = new PoolSimulation(pool, [0, 1, 2], workers: 1, budget: 12);

        while (!sim.Done)
        {
            sim.Tick(policy, CancellationToken.None);
        }

        Assert.Equal(7, sim.Spent);
        Assert.Equal(3, sim.TrialsStarted);
        Assert.Equal(5, sim.Pauses);
        Assert.Equal(3, sim.Resumes);
        Assert.Equal(2, sim.PausedAtEnd);
        Assert.True(sim.PoolExhausted);
        Assert.Equal([2, 1, 4], sim.Curves.Select(c => c.Epoch));
        Assert.Equal([0.43, 0.43, 0.33, 0.03, 0.02, 0.01, 0, 0, 0, 0, 0, 0], sim.Regret.Select(r => Math.Round(r, 12)));
    }

    [Theory]
    [InlineData(1, 40)]
    [InlineData(3, 57)]
    [InlineData(8, 200)]
    public void Tick_AshaPromoteOnRandomCurves_EveryEpochCountedOnceWithinTheBudget(int workers, int budget)
    {
        var random = new Random(5);
        var curves = Enumerable.Range(0, 30).Select(_ =>
        {
            double rate = random.NextDouble(), top = random.NextDouble();
            return Enumerable.Range(1, 12).Select(t => top * (1 - Math.Exp(-rate * t))).ToArray();
        }).ToArray();
        var pool = new LcBenchPool("1", curves);
        var policy = new StoppingPolicyFactory().Create("""{"type":"asha-promote","eta":3}""");
        var sim = new PoolSimulation(pool, Enumerable.Range(0, 30).ToArray(), workers, budget);

        while (!sim.Done)
        {
            sim.Tick(policy, CancellationToken.None);
        }

        // Each trained epoch extends exactly one curve by one value, so the curves' lengths add up to the epochs spent.
        Assert.Equal(sim.Spent, sim.Curves.Sum(c => c.Epoch));
        Assert.InRange(sim.Spent, 1, budget);
        Assert.True(sim.PoolExhausted || sim.Spent == budget);
        Assert.All(sim.Curves, c => Assert.Equal(pool.Curves[(int)c.TrialId][..c.Epoch], c.Values));
        Assert.True(sim.Resumes <= sim.Pauses);
        Assert.True(sim.Pauses > 0);
        Assert.Equal(sim.Pauses, sim.Resumes + sim.StoppedForGood + sim.PausedAtEnd);
    }
}
