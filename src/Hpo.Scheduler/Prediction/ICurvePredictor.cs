namespace Hpo.Scheduler.Prediction;

/// <summary>
/// Predicts the distribution of a learning curve's future values from its observed prefix.
/// Implementations are thread-safe and answer many curves with one forward pass.
/// </summary>
/// <remarks>
/// All values are in the model's space: "higher is better", in [0, 1], epochs 1..<see cref="MaxEpochs"/>.
/// Use the metric normalisation helpers to map a user's metric into that space and back.
/// </remarks>
public interface ICurvePredictor
{
    /// <summary>The longest curve (in epochs) the model was trained on (100 for the LC-PFN prior).</summary>
    int MaxEpochs { get; }

    /// <summary>
    /// Predicts every query of <paramref name="queries"/> in as few forward passes as possible.
    /// Result <c>i</c> answers query <c>i</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A query is empty, holds NaN or ±Infinity, or asks for an epoch outside 1..<see cref="MaxEpochs"/>.</exception>
    IReadOnlyList<CurvePrediction> Predict(IReadOnlyList<CurveQuery> queries, CancellationToken cancellationToken = default);
}
