using Microsoft.ML;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// An ML.NET learner trained epoch by epoch with warm start: each epoch is one <c>Fit</c> with one epoch's
/// iterations, starting from the previous epoch's model parameters. The trained <see cref="ITransformer"/>
/// comes back through <see cref="ITrainedModelRun"/> and saves as an ML.NET model zip.
/// </summary>
/// <typeparam name="TModel">The learner's model parameters (what its warm-start <c>Fit</c> overload takes).</typeparam>
internal sealed class MlNetWarmStartRun<TModel> : EpochRun, ITrainedModelRun
    where TModel : class
{
    private readonly DataViewSchema _inputSchema;
    private readonly Func<int, TModel?, (ITransformer Transformer, TModel Model)> _fitEpoch;
    private readonly Func<ITransformer, double> _evaluate;
    private ITransformer? _transformer;
    private TModel? _model;
    private int _epoch;
    private bool _handedOut;

    /// <param name="inputSchema">The schema of the data the model scores (saved with the model).</param>
    /// <param name="fitEpoch">Fits epoch n (1-based) from the previous model (null for epoch 1).</param>
    /// <param name="evaluate">The validation metric of a fitted model.</param>
    public MlNetWarmStartRun(DataViewSchema inputSchema, Func<int, TModel?, (ITransformer Transformer, TModel Model)> fitEpoch, Func<ITransformer, double> evaluate)
    {
        _inputSchema = inputSchema;
        _fitEpoch = fitEpoch;
        _evaluate = evaluate;
    }

    /// <summary>The current model parameters (null before the first epoch).</summary>
    public TModel? Model => _model;

    /// <summary>The current <see cref="ITransformer"/>; once read, disposing the run leaves it to the caller.</summary>
    /// <exception cref="InvalidOperationException">No epoch has been trained yet.</exception>
    object ITrainedModelRun.Model
    {
        get
        {
            var transformer = _transformer ?? throw new InvalidOperationException("No epoch has been trained yet, so there is no model.");
            _handedOut = true;
            return transformer;
        }
    }

    /// <inheritdoc />
    public string ModelFileExtension => ".zip";

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No epoch has been trained yet.</exception>
    public Task SaveModelAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var transformer = _transformer ?? throw new InvalidOperationException("No epoch has been trained yet, so there is no model to save.");

        // Called between epochs by whoever drives the run, so the transformer is not being replaced meanwhile.
        return Task.Run(() => new MLContext().Model.Save(transformer, _inputSchema, path), cancellationToken);
    }

    protected override void TrainEpoch(CancellationToken cancellationToken)
    {
        (_transformer, _model) = _fitEpoch(_epoch + 1, _model);
        _epoch++;
    }

    protected override double Evaluate() =>
        _evaluate(_transformer ?? throw new InvalidOperationException("No epoch has been trained yet."));

    protected override void DisposeCore()
    {
        if (!_handedOut)
        {
            (_transformer as IDisposable)?.Dispose();
        }
    }
}
