using static TorchSharp.torch;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// A <see cref="TabularData"/> as tensors, made once per workload and only read by its runs (libtorch reads
/// from several threads safely), so concurrent trials share one copy of the rows.
/// </summary>
internal sealed class TabularTensors : IDisposable
{
    public TabularTensors(TabularData data)
    {
        TrainFeatures = tensor(data.TrainFeatures, [data.TrainRows, data.FeatureCount]).DetachFromDisposeScope();
        ValidationFeatures = tensor(data.ValidationFeatures, [data.ValidationRows, data.FeatureCount]).DetachFromDisposeScope();
        if (data.Task == TabularTask.Regression)
        {
            // The network learns the standardised target; its outputs are mapped back before the metric.
            double mean = data.TrainTargets.Average(t => (double)t);
            double sd = Math.Sqrt(data.TrainTargets.Average(t => (t - mean) * (t - mean)));
            TargetMean = (float)mean;
            TargetScale = sd > 1e-8 ? (float)sd : 1f;
            TrainTargets = tensor([.. data.TrainTargets.Select(t => (t - TargetMean) / TargetScale)]).DetachFromDisposeScope();
        }
        else
        {
            TargetScale = 1f;
            TrainTargets = tensor([.. data.TrainTargets.Select(t => (long)t)]).DetachFromDisposeScope();
        }
    }

    public Tensor TrainFeatures { get; }

    /// <summary>Class indices (int64) for classification, standardised targets (float32) for regression.</summary>
    public Tensor TrainTargets { get; }

    public Tensor ValidationFeatures { get; }

    public float TargetMean { get; }

    public float TargetScale { get; }

    public void Dispose()
    {
        TrainFeatures.Dispose();
        TrainTargets.Dispose();
        ValidationFeatures.Dispose();
    }
}
