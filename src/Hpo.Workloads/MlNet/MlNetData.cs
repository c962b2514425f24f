using Hpo.Workloads.Datasets;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Hpo.Workloads.MlNet;

/// <summary>Turns an in-memory dataset into ML.NET data views (a <c>Features</c> vector and a <c>Label</c>).</summary>
internal static class MlNetData
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";
    public const string PredictedLabelColumn = "PredictedLabel";

    /// <summary>
    /// Multiclass views of a training and a validation set: <c>Label</c> is a key whose value is the class
    /// index + 1 (ML.NET keys are 1-based; 0 means missing), mapped by value with the training set's mapping.
    /// </summary>
    public static (IDataView Train, IDataView Validation) ToMulticlass(MLContext context, TabularDataset train, TabularDataset validation)
    {
        // ML.NET's own mapping, rather than key-typed C# fields: LoadFromEnumerable shifts key-typed values
        // by one, which silently turned the top class into "missing" (and out of training and evaluation).
        var rawTrain = ToRaw(context, train);
        var rawValidation = ToRaw(context, validation);
        var toKey = context.Transforms.Conversion.MapValueToKey(LabelColumn, keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(rawTrain);
        return (toKey.Transform(rawTrain), toKey.Transform(rawValidation));
    }

    /// <summary>A binary view: <c>Label</c> is true for class 1.</summary>
    public static IDataView ToBinary(MLContext context, TabularDataset data)
    {
        if (data.ClassCount != 2)
        {
            throw new ArgumentException($"Dataset '{data.Name}' has {data.ClassCount} classes; a binary learner needs 2.", nameof(data));
        }

        var schema = SchemaDefinition.Create(typeof(BinaryRow));
        schema[nameof(BinaryRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, data.FeatureCount);
        var labels = data.Labels.Span;
        var rows = new BinaryRow[data.RowCount];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new BinaryRow { Features = data.GetRow(i).ToArray(), Label = labels[i] == 1 };
        }

        return context.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>
    /// The fraction of rows whose <c>PredictedLabel</c> equals <c>Label</c>, over every row. Counted directly:
    /// ML.NET's multiclass evaluator skips rows whose label is missing, which once hid a whole class that
    /// never reached training; and it also builds log-loss and confusion matrices nobody reads here.
    /// </summary>
    /// <typeparam name="TLabel">The label's type: <see cref="uint"/> (a key) for multiclass, <see cref="bool"/> for binary.</typeparam>
    public static double Accuracy<TLabel>(IDataView predictions)
        where TLabel : IEquatable<TLabel>
    {
        var labels = predictions.GetColumn<TLabel>(LabelColumn);
        var predicted = predictions.GetColumn<TLabel>(PredictedLabelColumn);
        long rows = 0;
        long correct = 0;
        foreach (var (label, prediction) in labels.Zip(predicted))
        {
            rows++;
            correct += label.Equals(prediction) ? 1 : 0;
        }

        return rows == 0 ? throw new InvalidOperationException("The validation set is empty.") : (double)correct / rows;
    }

    /// <summary>
    /// A context for epoch <paramref name="epoch"/> of a run seeded <paramref name="seed"/>. Each epoch gets
    /// its own so that its shuffling depends only on (seed, epoch), not on how many random draws earlier
    /// evaluations took from a shared context; that is what lets a resumed run replay the curve exactly.
    /// </summary>
    public static MLContext EpochContext(int seed, int epoch) => new(MixSeed(seed, epoch));

    /// <summary>
    /// SplitMix64's finaliser over (seed, epoch): a stable mix on every machine and process
    /// (<see cref="HashCode"/> is randomised per process, so it cannot seed reproducible runs).
    /// </summary>
    internal static int MixSeed(int seed, int epoch)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) | (uint)epoch) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }

    private static IDataView ToRaw(MLContext context, TabularDataset data)
    {
        var schema = SchemaDefinition.Create(typeof(MulticlassRow));
        schema[nameof(MulticlassRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, data.FeatureCount);
        var labels = data.Labels.Span;
        var rows = new MulticlassRow[data.RowCount];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new MulticlassRow { Features = data.GetRow(i).ToArray(), Label = (uint)labels[i] };
        }

        return context.Data.LoadFromEnumerable(rows, schema);
    }

    internal sealed class MulticlassRow
    {
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    internal sealed class BinaryRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
