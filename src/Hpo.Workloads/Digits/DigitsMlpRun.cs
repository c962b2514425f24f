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
internal sealed class DigitsMlpRun : EpochRun, ITrainedModelRun, IResumableWorkloadRun
{
    private readonly string _fingerprint;
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
    {
        _fingerprint = fingerprint;
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

    /// <summary>
    /// Writes the weights, the optimiser's state (momentum, Adam moments and step counts) and the generator's state, so
    /// that a restored run draws the same shuffles and dropout masks as this one would have.
    /// </summary>
    public Task SaveCheckpointAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return BetweenEpochsAsync(
            _ =>
            {
                using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
                CheckpointHeader.Write(writer, DigitsMlpWorkload.TypeName, _fingerprint, CompletedEpochs);
                _model.save(writer);
                ((TorchSharp.Modules.OptimizerHelper)_optimizer).save_state_dict(writer);
                using var state = _generator.get_state();
                byte[] bytes = state.data<byte>().ToArray();
                writer.Write(bytes.Length);
                writer.Write(bytes);
            },
            cancellationToken);
    }

    /// <summary>Restores what <see cref="SaveCheckpointAsync"/> wrote after <paramref name="epoch"/>.</summary>
    /// <exception cref="InvalidDataException">The checkpoint is another workload's, configuration's or epoch's, or corrupt.</exception>
    public async Task LoadCheckpointAsync(Stream source, int epoch, CancellationToken cancellationToken)
    {
        await BetweenEpochsAsync(
            _ =>
            {
                using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
                CheckpointHeader.Read(reader, DigitsMlpWorkload.TypeName, _fingerprint, epoch);
                try
                {
                    _model.load(reader);
                    ((TorchSharp.Modules.OptimizerHelper)_optimizer).load_state_dict(reader);
                    int length = reader.ReadInt32();
                    byte[] bytes = reader.ReadBytes(length);
                    if (length <= 0 || bytes.Length != length)
                    {
                        throw new EndOfStreamException($"the generator state should be {length} bytes; {bytes.Length} were left");
                    }

                    using var state = tensor(bytes, ScalarType.Byte);
                    _generator.set_state(state);
                }
                catch (Exception ex) when (ex is not InvalidDataException and not OperationCanceledException)
                {
                    throw CheckpointHeader.Corrupt(DigitsMlpWorkload.TypeName, ex);
                }
            },
            cancellationToken).ConfigureAwait(false);
        RestoredAfter(epoch);
    }

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
