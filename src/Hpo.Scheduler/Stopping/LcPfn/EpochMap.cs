namespace Hpo.Scheduler.Stopping.LcPfn;

/// <summary>
/// Maps an experiment's epochs onto the model's 1..<c>modelEpochs</c>. Runs no longer than the model's
/// horizon map one to one. Longer runs are compressed: model epoch <c>j</c> stands for real epoch
/// <c>j·E/M</c> (E the experiment's epochs, M the model's) and its value is the curve linearly
/// interpolated there, so the model sees the whole run at a coarser resolution and the final model
/// epoch is the run's final epoch. The <c>lcpfn</c> policy and the dashboard's forecasts use it; so should a
/// direct caller of an <see cref="Prediction.ICurvePredictor"/> whose runs are longer than the model's horizon.
/// </summary>
public sealed class EpochMap
{
    private readonly double _scale;

    /// <summary>Maps runs of <paramref name="maxEpochs"/> epochs onto a model of <paramref name="modelEpochs"/> epochs.</summary>
    public EpochMap(int maxEpochs, int modelEpochs)
    {
        ModelEpochs = Math.Min(maxEpochs, modelEpochs);
        _scale = maxEpochs <= modelEpochs ? 1 : (double)maxEpochs / modelEpochs;
    }

    /// <summary>The model epoch that stands for the run's final epoch.</summary>
    public int ModelEpochs { get; }

    /// <summary>The run's epoch that model epoch <paramref name="modelEpoch"/> stands for (the nearest whole epoch when compressed).</summary>
    public int RunEpoch(int modelEpoch) => (int)Math.Round(modelEpoch * _scale, MidpointRounding.AwayFromZero);

    /// <summary>The model-space prefix a curve of <paramref name="values"/> gives (empty when it is shorter than one model epoch).</summary>
    public double[] Observed(IReadOnlyList<double> values, Func<double, double> toModel)
    {
        int m = Math.Min(ModelEpochs, (int)Math.Floor((values.Count / _scale) + 1e-9));
        var result = new double[m];
        for (int j = 1; j <= m; j++)
        {
            double x = j * _scale;
            int lower = Math.Clamp((int)Math.Floor(x + 1e-9), 1, values.Count);
            int upper = Math.Min(lower + 1, values.Count);
            double f = Math.Clamp(x - lower, 0, 1);
            result[j - 1] = toModel(values[lower - 1] + (f * (values[upper - 1] - values[lower - 1])));
        }

        return result;
    }
}
