namespace Hpo.Benchmarks.Extrapolation;

/// <summary>The outcome of <see cref="ExtrapolationBenchmark.Run"/>.</summary>
/// <param name="Options">The settings used.</param>
/// <param name="Methods">The method names: the LC-PFN's (<c>lcpfn</c>, or <c>lcpfn@NAME</c> per model), then the baselines.</param>
/// <param name="Overall">Per method and cut-off over all tasks (curves weigh equally).</param>
/// <param name="PerTask">Per task, method and cut-off.</param>
/// <param name="Seconds">Wall-clock time.</param>
public sealed record ExtrapolationReport(ExtrapolationOptions Options, IReadOnlyList<string> Methods, IReadOnlyList<ExtrapolationResult> Overall, IReadOnlyList<ExtrapolationResult> PerTask, double Seconds);
