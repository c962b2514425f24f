using Microsoft.ML;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// A run of <see cref="TabularMlNetWorkload"/>: the warm-start epochs of an ML.NET learner
/// (<c>MlNetWarmStartRun</c>) plus the latest fitted model, which it hands back and saves as an ML.NET
/// <c>.zip</c> whose input is the encoded <c>Features</c> vector.
/// </summary>
internal sealed class TabularMlNetRun : IWorkloadRun, ITrainedModelRun
{
    private readonly EpochRun _epochs;
    private readonly Func<ITransformer?> _latest;
    private readonly DataViewSchema _inputSchema;

    /// <param name="epochs">The warm-start run that trains the epochs.</param>
    /// <param name="latest">The transformer its last epoch fitted (null before the first).</param>
    /// <param name="inputSchema">The schema the model reads (the training view's).</param>
    public TabularMlNetRun(EpochRun epochs, Func<ITransformer?> latest, DataViewSchema inputSchema)
    {
        _epochs = epochs;
        _latest = latest;
        _inputSchema = inputSchema;
    }

    /// <summary>The run whose epochs a resumed trial replays.</summary>
    public EpochRun Epochs => _epochs;

    /// <inheritdoc />
    public object Model => _latest() ?? throw new InvalidOperationException("No epoch has been trained yet, so there is no model.");

    /// <inheritdoc />
    public string ModelFileExtension => ".zip";

    /// <inheritdoc />
    public Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default) => _epochs.TrainEpochAsync(epoch, cancellationToken);

    /// <inheritdoc />
    public Task SaveModelAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var model = (ITransformer)Model;
        return Task.Run(() => new MLContext().Model.Save(model, _inputSchema, path), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _epochs.DisposeAsync();
}
