namespace Hpo.Scheduler.Prediction;

/// <summary>The predictive distributions of one curve at the epochs its <see cref="CurveQuery"/> asked for.</summary>
/// <param name="Epochs">The query epochs, in the order asked.</param>
/// <param name="AtEpoch">The distribution at <c>Epochs[i]</c>.</param>
public sealed record CurvePrediction(IReadOnlyList<int> Epochs, IReadOnlyList<IPredictiveDistribution> AtEpoch)
{
    /// <summary>The largest P(y_t &gt; <paramref name="threshold"/>) over the predicted epochs (the LC-PFN stopping statistic).</summary>
    public double MaxProbabilityAbove(double threshold) => AtEpoch.Count == 0 ? 0 : AtEpoch.Max(d => d.ProbabilityAbove(threshold));
}
