namespace Hpo.Benchmarks;

/// <summary>The outcome of <see cref="LcBenchBenchmark.Run"/>.</summary>
/// <param name="Options">The settings used.</param>
/// <param name="Policies">The policy names in the order given (no stopping included).</param>
/// <param name="Results">Per task and policy.</param>
/// <param name="Summaries">Per policy over all tasks, in <paramref name="Policies"/> order.</param>
/// <param name="ModelQueries">Curves the LC-PFN was asked about (cache misses), all models together.</param>
/// <param name="CacheHits">LC-PFN queries answered from the cache, all models together.</param>
/// <param name="Seconds">Wall-clock time.</param>
/// <param name="Models">Per model, in the order given: its queries and cache hits (empty when no policy used a model).</param>
public sealed record LcBenchBenchmarkReport(
    LcBenchBenchmarkOptions Options,
    IReadOnlyList<string> Policies,
    IReadOnlyList<TaskPolicyResult> Results,
    IReadOnlyList<PolicySummary> Summaries,
    long ModelQueries,
    long CacheHits,
    double Seconds,
    IReadOnlyList<ModelQueryCount> Models);
