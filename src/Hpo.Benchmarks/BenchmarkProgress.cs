namespace Hpo.Benchmarks;

/// <summary>Where a benchmark stands.</summary>
/// <param name="Fraction">The share of the work done, in [0, 1] (tasks weigh equally; within a task, its stages).</param>
/// <param name="Stage">What runs now, e.g. <c>task 3/24 (7593): lcpfn</c>.</param>
/// <param name="ModelQueries">Curves the LC-PFN has been asked about so far.</param>
/// <param name="CacheHits">Queries answered from the cache so far.</param>
public sealed record BenchmarkProgress(double Fraction, string Stage, long ModelQueries = 0, long CacheHits = 0);
