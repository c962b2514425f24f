using Hpo.Scheduler.Prediction;

namespace Hpo.Scheduler.Stopping;

/// <summary>
/// A policy that decides with a learning-curve model (<c>lcpfn</c>, <c>freeze-thaw</c>): a fleet records the model's
/// SHA-256 with each of its decisions and binds the experiment to one model, so workers holding different models are
/// refused rather than silently mixed.
/// </summary>
public interface IPredictorPolicy
{
    /// <summary>The model the policy decides with.</summary>
    ICurvePredictor Predictor { get; }
}
