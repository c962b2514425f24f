using System.Globalization;

namespace Hpo.Benchmarks;

/// <summary>Settings of <see cref="LcBenchBenchmark"/>; defaults follow lcbench-protocol.md.</summary>
public sealed record LcBenchBenchmarkOptions
{
    /// <summary>Vertical (one worker, 20 runs' budget) or parallel (8 workers, 40 runs' budget).</summary>
    public LcBenchProtocol Protocol { get; init; } = LcBenchProtocol.Vertical;

    /// <summary>OpenML task ids.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = LcBenchTasks.Development;

    /// <summary>Configurations per task pool.</summary>
    public int Pool { get; init; } = 2000;

    /// <summary>Random orderings of each pool.</summary>
    public int Orderings { get; init; } = 40;

    /// <summary>The budget in full runs (× the epochs of a run); null: 20 vertical, 40 parallel.</summary>
    public int? BudgetRuns { get; init; }

    /// <summary>Simulated workers; null: 1 vertical, 8 parallel.</summary>
    public int? Workers { get; init; }

    /// <summary>Seed of the pools and orderings (same seed, same results).</summary>
    public int Seed { get; init; }

    /// <summary>The most memory the LC-PFN answer cache may take.</summary>
    public long CacheBytes { get; init; } = 6L << 30;

    /// <summary>The budget in runs actually used.</summary>
    public int EffectiveBudgetRuns => BudgetRuns ?? (Protocol == LcBenchProtocol.Vertical ? 20 : 40);

    /// <summary>The workers actually used.</summary>
    public int EffectiveWorkers => Workers ?? (Protocol == LcBenchProtocol.Vertical ? 1 : 8);

    /// <summary>Checks the settings; messages name the command-line option.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public LcBenchBenchmarkOptions Validate()
    {
        Require(Tasks is { Count: > 0 }, "--tasks names no task.");
        Require(Pool >= 1, $"--pool must be at least 1 (got {Pool}).");
        Require(Orderings >= 1, $"--orderings must be at least 1 (got {Orderings}).");
        Require(EffectiveBudgetRuns >= 1, $"--budget-runs must be at least 1 (got {EffectiveBudgetRuns}).");
        Require(EffectiveWorkers >= 1, $"--workers must be at least 1 (got {EffectiveWorkers}).");
        Require(Protocol == LcBenchProtocol.Parallel || EffectiveWorkers == 1, $"--workers {EffectiveWorkers}: the vertical protocol trains one run at a time; use --protocol parallel.");
        Require(CacheBytes >= 1 << 20, string.Create(CultureInfo.InvariantCulture, $"--cache-mb must be at least 1 (got {CacheBytes / (1 << 20)})."));
        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
