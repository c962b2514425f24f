namespace Hpo.Benchmarks;

/// <summary>How much one model of a benchmark run was asked (each model has its own prediction cache).</summary>
/// <param name="Name">The model's name (null for the one model of a single-model run).</param>
/// <param name="ModelQueries">Curves the model was asked about (cache misses).</param>
/// <param name="CacheHits">Queries answered from the model's cache.</param>
public sealed record ModelQueryCount(string? Name, long ModelQueries, long CacheHits);
