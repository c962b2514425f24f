using GcSafe = Hpo.LcPfn.Runtime.GcSafe;
using Hpo.Workloads.Datasets;
using static TorchSharp.torch;

namespace Hpo.Workloads.Digits;

/// <summary>
/// One configuration of the digits MLP in training (<see cref="MlpRun"/>): cross-entropy on the digits' training
/// split, accuracy on the validation split, with SGD (momentum) or AdamW.
/// </summary>
internal sealed class DigitsMlpRun : MlpRun
{
    private readonly Tensor _trainFeatures;
    private readonly Tensor _trainLabels;
    private readonly Tensor _validationFeatures;
    private readonly Tensor _validationLabels;

    public DigitsMlpRun(DatasetSplit split, DigitsMlpHyperparameters hyperparameters, string fingerprint, int seed, int threads)
        : base(
            DigitsMlpWorkload.TypeName,
            fingerprint,
            seed,
            threads,
            hyperparameters.BatchSize,
            generator => new MlpNetwork(
                split.Train.FeatureCount,
                split.Train.ClassCount,
                hyperparameters.Width,
                hyperparameters.Depth,
                hyperparameters.Dropout,
                hyperparameters.Activation == DigitsMlpHyperparameters.Tanh,
                generator),
            network => hyperparameters.Optimizer == DigitsMlpHyperparameters.Sgd
                ? new GcSafe.SGD(network.parameters(), hyperparameters.LearningRate, momentum: hyperparameters.Momentum, weight_decay: hyperparameters.WeightDecay)
                : new GcSafe.AdamW(network.parameters(), hyperparameters.LearningRate, weight_decay: hyperparameters.WeightDecay))
    {
        _trainFeatures = ToFeatures(split.Train);
        _trainLabels = ToLabels(split.Train);
        _validationFeatures = ToFeatures(split.Validation);
        _validationLabels = ToLabels(split.Validation);
    }

    protected override Tensor TrainFeatures => _trainFeatures;

    protected override Tensor ValidationFeatures => _validationFeatures;

    protected override Tensor Loss(Tensor output, Tensor batch) =>
        nn.functional.cross_entropy(output, _trainLabels.index_select(0, batch));

    protected override double Score(Tensor validationOutput)
    {
        long correct = validationOutput.argmax(1).eq(_validationLabels).sum().item<long>();
        return (double)correct / _validationLabels.shape[0];
    }

    protected override void DisposeData()
    {
        _trainFeatures.Dispose();
        _trainLabels.Dispose();
        _validationFeatures.Dispose();
        _validationLabels.Dispose();
    }

    private static Tensor ToFeatures(TabularDataset data) =>
        tensor(data.Features.ToArray(), [data.RowCount, data.FeatureCount]).DetachFromDisposeScope();

    private static Tensor ToLabels(TabularDataset data) =>
        tensor(data.Labels.ToArray().Select(l => (long)l).ToArray()).DetachFromDisposeScope();
}
