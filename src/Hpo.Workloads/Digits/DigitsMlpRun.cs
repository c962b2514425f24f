using Hpo.LcPfn.Runtime;
using Hpo.Workloads.Datasets;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.Workloads.Digits;

/// <summary>
/// One configuration of the digits MLP in training. All its randomness (weights, shuffling, dropout)
/// comes from one generator seeded with the trial seed, so a seed fixes the curve. The trained network comes
/// back through <see cref="ITrainedModelRun"/> and saves as a TorchSharp state dict (<c>Module.save</c>).
/// </summary>
internal sealed class DigitsMlpRun : ResumableEpochRun, ITrainedModelRun
{
    private readonly Generator _generator;
    private readonly MlpNetwork _model;
    private readonly optim.Optimizer _optimizer;
    private readonly Tensor _trainFeatures;
    private readonly Tensor _trainLabels;
    private readonly Tensor _validationFeatures;
    private readonly Tensor _validationLabels;
    private readonly int _batchSize;
    private readonly int _threads;
    private bool _handedOut;

    public DigitsMlpRun(DatasetSplit split, DigitsMlpHyperparameters hyperparameters, string fingerprint, int seed, int threads)
        : base(DigitsMlpWorkload.TypeName, fingerprint)
    {
        _threads = threads;
        _batchSize = hyperparameters.BatchSize;
        _generator = new Generator(unchecked((ulong)seed));
        _trainFeatures = ToFeatures(split.Train);
        _trainLabels = ToLabels(split.Train);
        _validationFeatures = ToFeatures(split.Validation);
        _validationLabels = ToLabels(split.Validation);
        _model = new MlpNetwork(
            split.Train.FeatureCount,
            split.Train.ClassCount,
            hyperparameters.Width,
            hyperparameters.Depth,
            hyperparameters.Dropout,
            hyperparameters.Activation == DigitsMlpHyperparameters.Tanh,
            _generator);
        _optimizer = hyperparameters.Optimizer == DigitsMlpHyperparameters.Sgd
            ? optim.SGD(_model.parameters(), hyperparameters.LearningRate, momentum: hyperparameters.Momentum, weight_decay: hyperparameters.WeightDecay)
            : optim.AdamW(_model.parameters(), hyperparameters.LearningRate, weight_decay: hyperparameters.WeightDecay);
    }

    /// <summary>
    /// The network, in evaluation mode; once read, disposing the run leaves it to the caller. Its dropout draws
    /// from the run's generator, which the run disposes, so it is for inference (<c>eval()</c>), not further training.
    /// </summary>
    public object Model
    {
        get
        {
            _handedOut = true;
            _model.eval();
            return _model;
        }
    }

    /// <inheritdoc />
    public string ModelFileExtension => ".dat";

    /// <inheritdoc />
    public Task SaveModelAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Called between epochs by whoever drives the run, so no epoch is updating the weights meanwhile.
        return Task.Run(() => _model.save(path), cancellationToken);
    }

    /// <summary>The weights, the optimiser's state and the generator's state (<see cref="MlpTrainingState"/>).</summary>
    protected override void WriteState(BinaryWriter writer) => MlpTrainingState.Write(writer, _model, _optimizer, _generator);

    protected override void ReadState(BinaryReader reader) => MlpTrainingState.Read(reader, _model, _optimizer, _generator);

    protected override void TrainEpoch(CancellationToken cancellationToken)
    {
        TorchRuntime.SetThreads(_threads);
        _model.train();
        long rows = _trainFeatures.shape[0];
        using var order = randperm(rows, generator: _generator);
        for (long start = 0; start < rows; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = order.narrow(0, start, Math.Min(_batchSize, rows - start));
            var logits = _model.call(_trainFeatures.index_select(0, batch));
            var loss = nn.functional.cross_entropy(logits, _trainLabels.index_select(0, batch));
            _optimizer.zero_grad();
            loss.backward();
            _optimizer.step();
        }
    }

    protected override double Evaluate()
    {
        _model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long correct = _model.call(_validationFeatures).argmax(1).eq(_validationLabels).sum().item<long>();
        return (double)correct / _validationLabels.shape[0];
    }

    protected override void DisposeCore()
    {
        _optimizer.Dispose();
        if (!_handedOut)
        {
            _model.Dispose();
        }

        _trainFeatures.Dispose();
        _trainLabels.Dispose();
        _validationFeatures.Dispose();
        _validationLabels.Dispose();
        _generator.Dispose();
    }

    private static Tensor ToFeatures(TabularDataset data) =>
        tensor(data.Features.ToArray(), [data.RowCount, data.FeatureCount]).DetachFromDisposeScope();

    private static Tensor ToLabels(TabularDataset data) =>
        tensor(data.Labels.ToArray().Select(l => (long)l).ToArray()).DetachFromDisposeScope();
}
