using Hpo.Scheduler.Prediction;

namespace Hpo.Scheduler.Experiments.Files;

/// <summary>
/// Lets <see cref="Stopping.StoppingPolicyFactory"/> check an <c>lcpfn</c> policy's fields while loading a
/// file, before (and without) loading a model; it is never asked for a prediction.
/// </summary>
internal sealed class ValidationPredictor : ICurvePredictor
{
    public static ValidationPredictor Instance { get; } = new();

    public int MaxEpochs => 100;

    public IReadOnlyList<CurvePrediction> Predict(IReadOnlyList<CurveQuery> queries, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The validation predictor only checks policy settings; load an LC-PFN model to run the policy.");
}
