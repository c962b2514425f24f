namespace Hpo.Workloads.Tabular;

/// <summary>
/// What a sample of a tabular file shows: its separator, columns (kind, missing cells, distinct values),
/// the label's task and classes, and how each feature would be encoded. <c>hpo init</c> prints it and
/// writes an experiment file from it; the workloads check the whole file again when they load it.
/// </summary>
public sealed class TabularSchema
{
    /// <summary>Rows <see cref="Infer"/> reads by default.</summary>
    public const int DefaultSampleRows = 10_000;

    private TabularSchema()
    {
    }

    /// <summary>The file.</summary>
    public required string Path { get; init; }

    /// <summary>The field separator (given or detected).</summary>
    public required char Separator { get; init; }

    /// <summary>Every column, in file order, counted over the rows read.</summary>
    public required IReadOnlyList<TabularColumn> Columns { get; init; }

    /// <summary>Data rows read.</summary>
    public required int RowsRead { get; init; }

    /// <summary>Whether the file has more rows than were read.</summary>
    public required bool Truncated { get; init; }

    /// <summary>The label column.</summary>
    public required string Label { get; init; }

    /// <summary>The task (given, or inferred from the label).</summary>
    public required TabularTask Task { get; init; }

    /// <summary>The classes seen (empty for regression).</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Rows read whose label was missing (they are not trained on).</summary>
    public required int RowsWithoutLabel { get; init; }

    /// <summary>The ignored columns.</summary>
    public required IReadOnlyList<string> Ignore { get; init; }

    /// <summary>Reads up to <paramref name="sampleRows"/> rows of <paramref name="path"/> and describes them.</summary>
    /// <exception cref="TabularDataException">The file cannot be used (empty, ragged, no such label, one class, ...); the message names the file, line and column.</exception>
    public static TabularSchema Infer(string path, string label, char? separator = null, TabularTask? task = null, IReadOnlyList<string>? ignore = null, int sampleRows = DefaultSampleRows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRows, 1);
        ignore ??= [];
        var (columns, sep, rows, truncated) = TabularFileReader.Describe(path, separator, sampleRows);
        string[] names = [.. columns.Select(c => c.Name)];
        if (Array.IndexOf(names, label) < 0)
        {
            throw new TabularDataException(path, $"there is no label column '{label}'; the columns are {string.Join(", ", names)}", 1);
        }

        foreach (string ignored in ignore.Where(i => Array.IndexOf(names, i) < 0))
        {
            throw new TabularDataException(path, $"'ignore' names column '{ignored}', which the file does not have; the columns are {string.Join(", ", names)}", 1);
        }

        if (ignore.Contains(label, StringComparer.Ordinal))
        {
            throw new TabularDataException(path, "the label column cannot be ignored", column: label);
        }

        var table = TabularFileReader.Load(path, sep, columns, label, name => !ignore.Contains(name, StringComparer.Ordinal), sampleRows);
        var resolved = TabularData.ResolveTask(table, label, task);
        return new TabularSchema
        {
            Path = path,
            Separator = sep,
            Columns = table.Columns,
            RowsRead = rows,
            Truncated = truncated,
            Label = label,
            Task = resolved,
            ClassNames = resolved == TabularTask.Regression ? [] : [.. table.Labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            RowsWithoutLabel = table.DroppedRows,
            Ignore = ignore,
        };
    }

    /// <summary>How <paramref name="column"/> is used: <c>label</c>, <c>ignored</c>, or its encoding as a feature (with the default one-hot threshold).</summary>
    public string Use(TabularColumn column, int maxOneHot = TabularDataOptions.DefaultMaxOneHot)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Name == Label ? $"label ({TabularMetric.TaskName(Task)})"
            : Ignore.Contains(column.Name, StringComparer.Ordinal) ? "ignored"
            : column.Kind == TabularColumnKind.Numeric ? (column.Missing > 0 ? "standardised, missing imputed + indicator" : "standardised")
            : column.Cardinality <= maxOneHot ? "one-hot"
            : $"hashed ({TabularDataOptions.DefaultHashBuckets} buckets)";
    }
}
