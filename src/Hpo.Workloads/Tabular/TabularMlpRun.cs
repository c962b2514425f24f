using GcSafe = Hpo.LcPfn.Runtime.GcSafe;
using Hpo.Workloads.Digits;
using static TorchSharp.torch;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// One configuration of <see cref="TabularMlpWorkload"/> in training: the digits workload's <see cref="MlpRun"/> (one
/// output per class, or one for regression) trained with AdamW, cross-entropy for classification and squared error on
/// the standardised target for regression; the metric is the one the <c>metric</c> setting names. The encoded rows are
/// the workload's tensors, shared by its runs.
/// </summary>
internal sealed class TabularMlpRun : MlpRun
{
    private readonly TabularData _data;
    private readonly TabularTensors _tensors;

    public TabularMlpRun(TabularData data, TabularTensors tensors, TabularMlpHyperparameters hyperparameters, string fingerprint, int seed, int threads)
        : base(
            TabularMlpWorkload.TypeName,
            fingerprint,
            seed,
            threads,
            hyperparameters.BatchSize,
            generator => new MlpNetwork(
                data.FeatureCount,
                data.Task == TabularTask.Regression ? 1 : data.ClassCount,
                hyperparameters.Width,
                hyperparameters.Depth,
                hyperparameters.Dropout,
                tanh: false,
                generator),
            network => new GcSafe.AdamW(network.parameters(), hyperparameters.LearningRate, weight_decay: hyperparameters.WeightDecay))
    {
        _data = data;
        _tensors = tensors;
    }

    protected override Tensor TrainFeatures => _tensors.TrainFeatures;

    protected override Tensor ValidationFeatures => _tensors.ValidationFeatures;

    protected override Tensor Loss(Tensor output, Tensor batch)
    {
        var targets = _tensors.TrainTargets.index_select(0, batch);
        return _data.Task == TabularTask.Regression
            ? nn.functional.mse_loss(output.squeeze(1), targets)
            : nn.functional.cross_entropy(output, targets);
    }

    protected override double Score(Tensor validationOutput)
    {
        var values = _data.Task switch
        {
            TabularTask.Regression => validationOutput.squeeze(1).mul(_tensors.TargetScale).add(_tensors.TargetMean),
            TabularTask.Binary => nn.functional.softmax(validationOutput, 1).select(1, 1),
            _ => nn.functional.softmax(validationOutput, 1),
        };
        float[] outputs = values.contiguous().data<float>().ToArray();
        return TabularMetrics.Evaluate(_data.Metric, _data.Task, _data.ValidationTargets, outputs, _data.ClassCount);
    }
}
