using Hpo.LcPfn.Runtime;
using Hpo.Workloads.Digits;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// One configuration of <see cref="TabularMlpWorkload"/> in training: the digits workload's
/// <see cref="MlpNetwork"/> (one output per class, or one for regression) trained with AdamW on shuffled
/// mini-batches. All its randomness comes from one generator seeded with the trial seed; its checkpoint is the digits
/// MLP's (<see cref="MlpTrainingState"/>), so a paused trial continues its curve exactly.
/// </summary>
internal sealed class TabularMlpRun : ResumableEpochRun, ITrainedModelRun
{
    private readonly TabularData _data;
    private readonly TabularTensors _tensors;
    private readonly Generator _generator;
    private readonly MlpNetwork _model;
    private readonly optim.Optimizer _optimizer;
    private readonly int _batchSize;
    private readonly int _threads;

    public TabularMlpRun(TabularData data, TabularTensors tensors, TabularMlpHyperparameters hyperparameters, string fingerprint, int seed, int threads)
        : base(TabularMlpWorkload.TypeName, fingerprint)
    {
        _data = data;
        _tensors = tensors;
        _threads = threads;
        _batchSize = hyperparameters.BatchSize;
        _generator = new Generator(unchecked((ulong)seed));
        int outputs = data.Task == TabularTask.Regression ? 1 : data.ClassCount;
        _model = new MlpNetwork(data.FeatureCount, outputs, hyperparameters.Width, hyperparameters.Depth, hyperparameters.Dropout, tanh: false, _generator);
        _optimizer = optim.AdamW(_model.parameters(), hyperparameters.LearningRate, weight_decay: hyperparameters.WeightDecay);
    }

    /// <inheritdoc />
    public object Model => _model;

    /// <inheritdoc />
    public string ModelFileExtension => ".dat";

    /// <inheritdoc />
    public Task SaveModelAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Task.Run(() => _model.save(path), cancellationToken);
    }

    protected override void WriteState(BinaryWriter writer) => MlpTrainingState.Write(writer, _model, _optimizer, _generator);

    protected override void ReadState(BinaryReader reader) => MlpTrainingState.Read(reader, _model, _optimizer, _generator);

    protected override void TrainEpoch(CancellationToken cancellationToken)
    {
        TorchRuntime.SetThreads(_threads);
        _model.train();
        bool regression = _data.Task == TabularTask.Regression;
        long rows = _tensors.TrainFeatures.shape[0];
        using var order = randperm(rows, generator: _generator);
        for (long start = 0; start < rows; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = order.narrow(0, start, Math.Min(_batchSize, rows - start));
            var output = _model.call(_tensors.TrainFeatures.index_select(0, batch));
            var targets = _tensors.TrainTargets.index_select(0, batch);
            var loss = regression ? nn.functional.mse_loss(output.squeeze(1), targets) : nn.functional.cross_entropy(output, targets);
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
        var output = _model.call(_tensors.ValidationFeatures);
        var values = _data.Task switch
        {
            TabularTask.Regression => output.squeeze(1).mul(_tensors.TargetScale).add(_tensors.TargetMean),
            TabularTask.Binary => nn.functional.softmax(output, 1).select(1, 1),
            _ => nn.functional.softmax(output, 1),
        };
        float[] outputs = values.contiguous().data<float>().ToArray();
        return TabularMetrics.Evaluate(_data.Metric, _data.Task, _data.ValidationTargets, outputs, _data.ClassCount);
    }

    protected override void DisposeCore()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _generator.Dispose();
    }
}
