using System.Globalization;
using System.IO.Compression;

namespace Hpo.Workloads.Datasets;

/// <summary>
/// Loads the datasets shipped in <c>data/datasets/</c> (see its README for provenance and licence).
/// </summary>
public static class BuiltInDatasets
{
    /// <summary>File name of the UCI optical digits (8x8) dataset: gzip CSV, no header, 64 pixels then the digit.</summary>
    public const string DigitsFileName = "digits.csv.gz";

    /// <summary>File name of the UCI breast cancer (diagnostic) dataset: scikit-learn CSV with a count header.</summary>
    public const string BreastCancerFileName = "breast_cancer.csv";

    /// <summary>
    /// Loads the digits dataset: 1797 rows, 64 features (pixel counts 0..16), 10 classes.
    /// </summary>
    /// <param name="path">The file; null looks it up with <see cref="DatasetLocator"/>.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not in the expected format; the message names the line.</exception>
    public static TabularDataset LoadDigits(string? path = null)
    {
        path ??= DatasetLocator.Locate(DigitsFileName);
        using var file = OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return ReadRows(reader, "digits", path, firstLine: 1, featureCount: 64, classCount: 10);
    }

    /// <summary>
    /// Loads the breast cancer dataset: 569 rows, 30 features, 2 classes (0 = malignant, 1 = benign).
    /// </summary>
    /// <param name="path">The file; null looks it up with <see cref="DatasetLocator"/>.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not in the expected format; the message names the line.</exception>
    public static TabularDataset LoadBreastCancer(string? path = null)
    {
        path ??= DatasetLocator.Locate(BreastCancerFileName);
        using var file = OpenRead(path);
        using var reader = new StreamReader(file);

        // scikit-learn's header: row count, feature count, then the class names.
        string header = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty.");
        string[] fields = header.Split(',');
        if (fields.Length < 4
            || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int rows)
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int features))
        {
            throw new InvalidDataException($"'{path}' line 1 must be 'rows,features,class names...' (scikit-learn's format); it is '{Truncate(header)}'.");
        }

        var dataset = ReadRows(reader, "breast_cancer", path, firstLine: 2, featureCount: features, classCount: fields.Length - 2);
        return dataset.RowCount == rows
            ? dataset
            : throw new InvalidDataException($"'{path}' declares {rows} rows in its header but holds {dataset.RowCount}.");
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return File.Exists(path)
            ? File.OpenRead(path)
            : throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
    }

    private static TabularDataset ReadRows(TextReader reader, string name, string path, int firstLine, int featureCount, int classCount)
    {
        var features = new List<float>();
        var labels = new List<int>();
        int lineNumber = firstLine - 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != featureCount + 1)
            {
                throw new InvalidDataException($"'{path}' line {lineNumber} has {fields.Length} fields; expected {featureCount} features and a label.");
            }

            for (int j = 0; j < featureCount; j++)
            {
                features.Add(float.TryParse(fields[j], NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value)
                    ? value
                    : throw new InvalidDataException($"'{path}' line {lineNumber} field {j + 1} is '{Truncate(fields[j])}', not a finite number."));
            }

            labels.Add(int.TryParse(fields[featureCount], NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) && label >= 0 && label < classCount
                ? label
                : ParseIntegralLabel(fields[featureCount], path, lineNumber, classCount));
        }

        if (labels.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no rows.");
        }

        return new TabularDataset(name, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(features), featureCount, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(labels), classCount);
    }

    private static int ParseIntegralLabel(string field, string path, int lineNumber, int classCount)
    {
        // Some exports write class indices as floats ("3.0").
        if (double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            && value == Math.Floor(value) && value >= 0 && value < classCount)
        {
            return (int)value;
        }

        throw new InvalidDataException($"'{path}' line {lineNumber} has label '{Truncate(field)}'; expected a class index in [0, {classCount}).");
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}
