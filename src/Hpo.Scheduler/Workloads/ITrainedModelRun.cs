namespace Hpo.Scheduler.Workloads;

/// <summary>
/// A run that can hand back the model it has trained so far. The experiment loop and the AutoML-shaped
/// runner use it to return and save the best trial's model; runs that train no model (simulations such as
/// the LCBench surrogate) do not implement it.
/// </summary>
public interface ITrainedModelRun
{
    /// <summary>The trained model as its library knows it: an ML.NET <c>ITransformer</c>, a TorchSharp module.</summary>
    object Model { get; }

    /// <summary>The extension of the file <see cref="SaveModelAsync"/> writes, e.g. <c>.zip</c> for ML.NET.</summary>
    string ModelFileExtension { get; }

    /// <summary>Writes the current model to <paramref name="path"/> (ML.NET: <c>MLContext.Model.Save</c>; TorchSharp: its state dict).</summary>
    Task SaveModelAsync(string path, CancellationToken cancellationToken = default);
}
