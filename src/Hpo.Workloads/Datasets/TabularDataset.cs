namespace Hpo.Workloads.Datasets;

/// <summary>
/// An immutable classification dataset held in memory: a dense row-major float feature matrix and one
/// class index (0-based) per row.
/// </summary>
public sealed class TabularDataset
{
    private readonly float[] _features;
    private readonly int[] _labels;

    /// <summary>Creates a dataset; the arrays are copied.</summary>
    /// <param name="name">A short name for messages, e.g. <c>digits</c>.</param>
    /// <param name="features">Row-major features, <c>rows × featureCount</c> finite values.</param>
    /// <param name="featureCount">Features per row (at least 1).</param>
    /// <param name="labels">One class index per row, each in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes (at least 2).</param>
    /// <exception cref="ArgumentException">The shapes disagree, a value is not finite or a label is out of range.</exception>
    public TabularDataset(string name, ReadOnlySpan<float> features, int featureCount, ReadOnlySpan<int> labels, int classCount)
        : this(name, features.ToArray(), featureCount, labels.ToArray(), classCount)
    {
    }

    private TabularDataset(string name, float[] features, int featureCount, int[] labels, int classCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (features.Length != (long)labels.Length * featureCount)
        {
            throw new ArgumentException($"Dataset '{name}' has {features.Length} feature values for {labels.Length} rows of {featureCount} features.", nameof(features));
        }

        int badValue = Array.FindIndex(features, v => !float.IsFinite(v));
        if (badValue >= 0)
        {
            throw new ArgumentException($"Dataset '{name}' row {badValue / featureCount} feature {badValue % featureCount} is {features[badValue]}; features must be finite.", nameof(features));
        }

        int badLabel = Array.FindIndex(labels, l => l < 0 || l >= classCount);
        if (badLabel >= 0)
        {
            throw new ArgumentException($"Dataset '{name}' row {badLabel} has label {labels[badLabel]}; labels must be in [0, {classCount}).", nameof(labels));
        }

        Name = name;
        FeatureCount = featureCount;
        ClassCount = classCount;
        _features = features;
        _labels = labels;
    }

    /// <summary>A short name for messages.</summary>
    public string Name { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount => _labels.Length;

    /// <summary>Features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>All features, row-major (<see cref="RowCount"/> × <see cref="FeatureCount"/>).</summary>
    public ReadOnlyMemory<float> Features => _features;

    /// <summary>The class index of each row.</summary>
    public ReadOnlyMemory<int> Labels => _labels;

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> GetRow(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        return _features.AsSpan(row * FeatureCount, FeatureCount);
    }

    /// <summary>The rows <paramref name="rows"/>, in that order.</summary>
    public TabularDataset Select(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var features = new float[rows.Count * FeatureCount];
        var labels = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            GetRow(rows[i]).CopyTo(features.AsSpan(i * FeatureCount, FeatureCount));
            labels[i] = _labels[rows[i]];
        }

        return new TabularDataset(Name, features, FeatureCount, labels, ClassCount);
    }

    /// <summary>
    /// Shifts and scales each feature: <c>(x - mean[j]) / scale[j]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors do not have <see cref="FeatureCount"/> entries or a scale is not positive.</exception>
    public TabularDataset Standardize(ReadOnlySpan<float> mean, ReadOnlySpan<float> scale)
    {
        if (mean.Length != FeatureCount || scale.Length != FeatureCount)
        {
            throw new ArgumentException($"Standardising '{Name}' needs {FeatureCount} means and scales; got {mean.Length} and {scale.Length}.", nameof(mean));
        }

        for (int j = 0; j < FeatureCount; j++)
        {
            if (!(scale[j] > 0) || !float.IsFinite(scale[j]))
            {
                throw new ArgumentException($"Scale of feature {j} is {scale[j]}; scales must be positive.", nameof(scale));
            }
        }

        var features = new float[_features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            int j = i % FeatureCount;
            features[i] = (_features[i] - mean[j]) / scale[j];
        }

        return new TabularDataset(Name, features, FeatureCount, _labels, ClassCount);
    }

    /// <summary>Per-feature mean and standard deviation; a constant feature gets scale 1 so it standardises to 0.</summary>
    public (float[] Mean, float[] Scale) ComputeMeanAndScale()
    {
        var sum = new double[FeatureCount];
        var sumSquares = new double[FeatureCount];
        for (int i = 0; i < _features.Length; i++)
        {
            int j = i % FeatureCount;
            sum[j] += _features[i];
            sumSquares[j] += (double)_features[i] * _features[i];
        }

        var mean = new float[FeatureCount];
        var scale = new float[FeatureCount];
        int n = Math.Max(1, RowCount);
        for (int j = 0; j < FeatureCount; j++)
        {
            double m = sum[j] / n;
            double variance = Math.Max(0, (sumSquares[j] / n) - (m * m));
            double sd = Math.Sqrt(variance);
            mean[j] = (float)m;
            scale[j] = sd > 1e-8 ? (float)sd : 1f;
        }

        return (mean, scale);
    }
}
