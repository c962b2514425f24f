using Microsoft.ML;

namespace Hpo.Scheduler.Workloads.MlNet;

/// <summary>
/// An ML.NET learner trained epoch by epoch with warm start: each epoch is one <c>Fit</c> with one epoch's
/// iterations, starting from the previous epoch's model parameters.
/// </summary>
/// <typeparam name="TModel">The learner's model parameters (what its warm-start <c>Fit</c> overload takes).</typeparam>
internal sealed class MlNetWarmStartRun<TModel> : EpochRun
    where TModel : class
{
    private readonly Func<int, TModel?, (ITransformer Transformer, TModel Model)> _fitEpoch;
    private readonly Func<ITransformer, double> _evaluate;
    private ITransformer? _transformer;
    private TModel? _model;
    private int _epoch;

    /// <param name="fitEpoch">Fits epoch n (1-based) from the previous model (null for epoch 1).</param>
    /// <param name="evaluate">The validation metric of a fitted model.</param>
    public MlNetWarmStartRun(Func<int, TModel?, (ITransformer Transformer, TModel Model)> fitEpoch, Func<ITransformer, double> evaluate)
    {
        _fitEpoch = fitEpoch;
        _evaluate = evaluate;
    }

    /// <summary>The current model parameters (null before the first epoch).</summary>
    public TModel? Model => _model;

    protected override void TrainEpoch(CancellationToken cancellationToken)
    {
        (_transformer, _model) = _fitEpoch(_epoch + 1, _model);
        _epoch++;
    }

    protected override double Evaluate() =>
        _evaluate(_transformer ?? throw new InvalidOperationException("No epoch has been trained yet."));

    protected override void DisposeCore()
    {
        (_transformer as IDisposable)?.Dispose();
    }
}
