namespace Hpo.Scheduler.Prediction;

/// <summary>
/// Loads a curve predictor from a model file, for parts that take a model path at run time (the dashboard's
/// forecasts) without referencing the predictor's implementation; Hpo.LcPfn's <c>services.AddHpoLcPfn()</c>
/// registers the LC-PFN's.
/// </summary>
public interface ICurvePredictorLoader
{
    /// <summary>The predictor stored at <paramref name="path"/>; the caller disposes it when it is <see cref="IDisposable"/>.</summary>
    ICurvePredictor Load(string path);
}
