namespace Hpo.Benchmarks.Plotting;

/// <summary>One named line of a chart.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values (same length as <paramref name="X"/>; non-finite points are skipped).</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
