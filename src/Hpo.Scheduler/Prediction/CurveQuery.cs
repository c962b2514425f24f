namespace Hpo.Scheduler.Prediction;

/// <summary>One partial curve and the epochs at which its distribution is wanted.</summary>
/// <param name="Observed">Observed values at epochs 1, 2, …, <c>Observed.Count</c>, in model space.</param>
/// <param name="QueryEpochs">1-based epochs to predict (each ≤ the model's <see cref="ICurvePredictor.MaxEpochs"/>).</param>
public sealed record CurveQuery(IReadOnlyList<double> Observed, IReadOnlyList<int> QueryEpochs);
