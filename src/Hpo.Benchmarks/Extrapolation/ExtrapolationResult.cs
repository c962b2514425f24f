namespace Hpo.Benchmarks.Extrapolation;

/// <summary>One method at one cut-off (on one task, or over all tasks when <paramref name="TaskId"/> is <c>all</c>).</summary>
/// <param name="TaskId">The OpenML task, or <c>all</c>.</param>
/// <param name="Method">lcpfn (lcpfn@NAME per model when several are compared), last-value or power-law.</param>
/// <param name="CutoffPercent">The cut-off in percent of the epochs.</param>
/// <param name="ObservedEpochs">The observed prefix length.</param>
/// <param name="Curves">Curves evaluated.</param>
/// <param name="LogLikelihood">Mean over curves of the mean log-density of the unseen remainder (higher is better).</param>
/// <param name="Mse">Mean over curves of the mean squared error of the point prediction (LC-PFN: the median) of the remainder.</param>
public sealed record ExtrapolationResult(string TaskId, string Method, int CutoffPercent, int ObservedEpochs, int Curves, double LogLikelihood, double Mse);
