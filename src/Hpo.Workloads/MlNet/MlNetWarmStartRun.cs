using Microsoft.ML;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// An ML.NET learner trained epoch by epoch with warm start: each epoch is one <c>Fit</c> with one epoch's
/// iterations, starting from the previous epoch's model parameters, with a context seeded by (trial seed, epoch)
/// (<see cref="MlNetData.EpochContext"/>). The trained <see cref="ITransformer"/> comes back through
/// <see cref="ITrainedModelRun"/> and saves as an ML.NET model zip.
/// </summary>
/// <remarks>
/// The checkpoint holds the last fitted prediction transformer, saved with <c>MLContext.Model.Save</c>: it carries the
/// model parameters the next warm start takes, float for float, and the next epoch's shuffling depends only on the
/// seed and the epoch, so a restored run continues the uninterrupted curve exactly. L-BFGS keeps no state between
/// <c>Fit</c>s (each starts a fresh history from the weights), so there is nothing else to save.
/// </remarks>
/// <typeparam name="TModel">The learner's model parameters (what its warm-start <c>Fit</c> overload takes).</typeparam>
internal sealed class MlNetWarmStartRun<TModel> : ResumableEpochRun, ITrainedModelRun
    where TModel : class
{
    private readonly int _seed;
    private readonly IDataView _train;
    private readonly MlNetWarmStartLearner<TModel> _learner;
    private readonly Func<ITransformer, double> _evaluate;
    private readonly Func<ITransformer, ITransformer> _present;
    private ITransformer? _transformer;
    private TModel? _model;
    private bool _handedOut;

    /// <param name="workload">The workload's registry name (checkpoint header).</param>
    /// <param name="fingerprint">The configuration's fingerprint (checkpoint header).</param>
    /// <param name="seed">The trial seed.</param>
    /// <param name="train">The training view; its schema is the saved model's input.</param>
    /// <param name="learner">The trainer and its warm start.</param>
    /// <param name="evaluate">The validation metric of a fitted model.</param>
    /// <param name="present">What the user gets of a fitted model (e.g. with a transform appended); the fitted model itself by default.</param>
    public MlNetWarmStartRun(
        string workload,
        string fingerprint,
        int seed,
        IDataView train,
        MlNetWarmStartLearner<TModel> learner,
        Func<ITransformer, double> evaluate,
        Func<ITransformer, ITransformer>? present = null)
        : base(workload, fingerprint)
    {
        _seed = seed;
        _train = train;
        _learner = learner;
        _evaluate = evaluate;
        _present = present ?? (fitted => fitted);
    }

    /// <summary>The current model parameters (null before the first epoch).</summary>
    public TModel? Model => _model;

    /// <summary>The current model as the user gets it; once read, disposing the run leaves it to the caller.</summary>
    /// <exception cref="InvalidOperationException">No epoch has been trained or restored yet.</exception>
    object ITrainedModelRun.Model
    {
        get
        {
            var model = Presented();
            _handedOut = true;
            return model;
        }
    }

    /// <inheritdoc />
    public string ModelFileExtension => ".zip";

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No epoch has been trained or restored yet.</exception>
    public Task SaveModelAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = Presented();

        // Called between epochs by whoever drives the run, so the transformer is not being replaced meanwhile.
        return Task.Run(() => new MLContext().Model.Save(model, _train.Schema, path), cancellationToken);
    }

    protected override void TrainEpoch(CancellationToken cancellationToken)
    {
        var fitted = _learner.Fit(MlNetData.EpochContext(_seed, CompletedEpochs + 1), _train, _model);
        (_transformer, _model) = (fitted, _learner.WarmStartOf(fitted));
    }

    protected override double Evaluate() =>
        _evaluate(_transformer ?? throw new InvalidOperationException("No epoch has been trained yet."));

    /// <summary>The fitted prediction transformer as an ML.NET model zip, length-prefixed (0: no epoch yet).</summary>
    protected override void WriteState(BinaryWriter writer)
    {
        if (_transformer is null)
        {
            writer.Write(0);
            return;
        }

        using var buffer = new MemoryStream();
        new MLContext().Model.Save(_transformer, _train.Schema, buffer);
        writer.Write(checked((int)buffer.Length));
        writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    protected override void ReadState(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length == 0)
        {
            return;
        }

        if (length < 0)
        {
            throw new InvalidDataException($"the model's length is {length}");
        }

        byte[] bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new EndOfStreamException($"the model should be {length} bytes; {bytes.Length} were left");
        }

        var loaded = new MLContext().Model.Load(new MemoryStream(bytes, writable: false), out _);
        (_transformer, _model) = (loaded, _learner.WarmStartOf(loaded));
    }

    protected override void DisposeCore()
    {
        if (!_handedOut)
        {
            (_transformer as IDisposable)?.Dispose();
        }
    }

    private ITransformer Presented() =>
        _present(_transformer ?? throw new InvalidOperationException("No epoch has been trained yet, so there is no model."));
}
