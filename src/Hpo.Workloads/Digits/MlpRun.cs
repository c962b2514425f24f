using Hpo.LcPfn.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.Workloads.Digits;

/// <summary>
/// One configuration of an <see cref="MlpNetwork"/> in training (the digits MLP, <c>tabular-mlp</c>): each epoch is one
/// pass over the training rows in shuffled mini-batches on <c>threads</c> libtorch threads, and all the run's randomness
/// (weights, shuffling, dropout) comes from one generator seeded with the trial seed, so a seed fixes the curve. The
/// trained network comes back through <see cref="ITrainedModelRun"/> and saves as a TorchSharp state dict
/// (<c>Module.save</c>).
/// </summary>
/// <remarks>
/// The checkpoint holds the weights, the optimiser's state (SGD momentum, AdamW moments and step counts) and the
/// generator's state, so that a restored run draws the same shuffles and dropout masks as the uninterrupted one would
/// have and continues its curve exactly.
/// </remarks>
internal abstract class MlpRun : ResumableEpochRun, ITrainedModelRun
{
    private readonly Generator _generator;
    private readonly MlpNetwork _network;
    private readonly optim.Optimizer _optimizer;
    private readonly int _batchSize;
    private readonly int _threads;
    private bool _handedOut;

    /// <param name="workload">The workload's registry name (checkpoint header).</param>
    /// <param name="fingerprint">The configuration's fingerprint (checkpoint header).</param>
    /// <param name="seed">The trial seed (the run's generator).</param>
    /// <param name="threads">libtorch intra-op threads while training.</param>
    /// <param name="batchSize">Rows per mini-batch.</param>
    /// <param name="network">Builds the network, drawing its initial weights from the run's generator.</param>
    /// <param name="optimizer">Builds the optimiser over the network's parameters.</param>
    protected MlpRun(string workload, string fingerprint, int seed, int threads, int batchSize, Func<Generator, MlpNetwork> network, Func<MlpNetwork, optim.Optimizer> optimizer)
        : base(workload, fingerprint)
    {
        _threads = threads;
        _batchSize = batchSize;
        _generator = new Generator(unchecked((ulong)seed));
        _network = network(_generator);
        _optimizer = optimizer(_network);
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
            _network.eval();
            return _network;
        }
    }

    /// <inheritdoc />
    public string ModelFileExtension => ".dat";

    /// <summary>The training rows' features, one row per example.</summary>
    protected abstract Tensor TrainFeatures { get; }

    /// <summary>The validation rows' features.</summary>
    protected abstract Tensor ValidationFeatures { get; }

    /// <inheritdoc />
    public Task SaveModelAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // Called between epochs by whoever drives the run, so no epoch is updating the weights meanwhile.
        return Task.Run(() => _network.save(path), cancellationToken);
    }

    /// <summary>The loss of the network's <paramref name="output"/> for the training rows <paramref name="batch"/> (their indices).</summary>
    protected abstract Tensor Loss(Tensor output, Tensor batch);

    /// <summary>The metric of the network's output on the validation rows.</summary>
    protected abstract double Score(Tensor validationOutput);

    /// <summary>Releases what the derived run owns besides the network, optimiser and generator.</summary>
    protected virtual void DisposeData()
    {
    }

    protected sealed override void TrainEpoch(CancellationToken cancellationToken)
    {
        TorchRuntime.SetThreads(_threads);
        _network.train();
        long rows = TrainFeatures.shape[0];
        using var order = randperm(rows, generator: _generator);
        for (long start = 0; start < rows; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = order.narrow(0, start, Math.Min(_batchSize, rows - start));
            var loss = Loss(_network.call(TrainFeatures.index_select(0, batch)), batch);
            _optimizer.zero_grad();
            loss.backward();
            _optimizer.step();
        }
    }

    protected sealed override double Evaluate()
    {
        _network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Score(_network.call(ValidationFeatures));
    }

    protected sealed override void WriteState(BinaryWriter writer)
    {
        _network.save(writer);
        ((TorchSharp.Modules.OptimizerHelper)_optimizer).save_state_dict(writer);
        using var state = _generator.get_state();
        byte[] bytes = state.data<byte>().ToArray();
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    protected sealed override void ReadState(BinaryReader reader)
    {
        _network.load(reader);
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

    protected sealed override void DisposeCore()
    {
        _optimizer.Dispose();
        if (!_handedOut)
        {
            _network.Dispose();
        }

        DisposeData();
        _generator.Dispose();
    }
}
