namespace Hpo.LcPfn.Evaluation;

/// <summary>The metrics of one cut-off.</summary>
/// <param name="Cutoff">Observed epochs; the remaining ones are predicted.</param>
/// <param name="Curves">Held-out curves evaluated.</param>
/// <param name="LogLikelihood">The paper's metric: the mean log-density of the remaining noisy values of a curve, averaged over curves (higher is better).</param>
/// <param name="MedianMse">Mean squared error of the predictive median against the remaining noisy values (per curve, averaged).</param>
/// <param name="Coverage90">Fraction of remaining noisy values inside the central 90% interval (ideal: 0.90).</param>
/// <param name="MillisecondsPerCurve">Forward-pass time per curve (all remaining epochs of one curve), batched.</param>
public sealed record CutoffEvaluation(int Cutoff, int Curves, double LogLikelihood, double MedianMse, double Coverage90, double MillisecondsPerCurve);
