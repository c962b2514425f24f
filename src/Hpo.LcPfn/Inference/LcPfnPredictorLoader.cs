using Hpo.Scheduler.Prediction;

namespace Hpo.LcPfn.Inference;

/// <summary>Loads <see cref="LcPfnPredictor"/>s from model files.</summary>
public sealed class LcPfnPredictorLoader : ICurvePredictorLoader
{
    /// <inheritdoc />
    public ICurvePredictor Load(string path) => LcPfnPredictor.Load(path);
}
