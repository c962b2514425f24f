using System.Globalization;
using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// A tabular file ready to train on: the task, the classes, the metric, and encoded training and validation
/// rows (<see cref="TabularEncoder"/>). Loaded once per workload and shared, read-only, by all its trials.
/// </summary>
internal sealed class TabularData
{
    /// <summary>The most distinct label values a classification task may have.</summary>
    public const int MaxClasses = 1000;

    /// <summary>Integer labels with at most this many distinct values make an inferred task classification.</summary>
    public const int MaxInferredClasses = 10;

    public required TabularTask Task { get; init; }

    public required TabularMetric Metric { get; init; }

    /// <summary>The class names (class index → label text); empty for regression.</summary>
    public required string[] ClassNames { get; init; }

    public required int FeatureCount { get; init; }

    public required int TrainRows { get; init; }

    public required int ValidationRows { get; init; }

    /// <summary>Row-major encoded training features.</summary>
    public required float[] TrainFeatures { get; init; }

    /// <summary>The class index or target value of each training row.</summary>
    public required float[] TrainTargets { get; init; }

    public required float[] ValidationFeatures { get; init; }

    public required float[] ValidationTargets { get; init; }

    /// <summary>How each feature column is encoded.</summary>
    public required IReadOnlyList<(string Column, string Encoding)> Encodings { get; init; }

    /// <summary>The training file's columns as counted over every row.</summary>
    public required IReadOnlyList<TabularColumn> Columns { get; init; }

    /// <summary>Rows dropped because their label was missing (training and validation files).</summary>
    public required int DroppedRows { get; init; }

    public int ClassCount => ClassNames.Length;

    /// <summary>Reads, checks, splits and encodes the data <paramref name="options"/> describe.</summary>
    /// <exception cref="TabularDataException">The data cannot be used; the message names the file, line and column.</exception>
    public static TabularData Load(TabularDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string path = options.DatasetPath;
        var (columns, separator, _, _) = TabularFileReader.Describe(path, options.Separator, TabularFileReader.KindSampleRows);
        string[] names = [.. columns.Select(c => c.Name)];
        if (Array.IndexOf(names, options.Label) < 0)
        {
            throw new TabularDataException(path, $"there is no label column '{options.Label}'; the columns are {string.Join(", ", names)}", 1);
        }

        foreach (string ignored in options.Ignore.Where(i => Array.IndexOf(names, i) < 0))
        {
            throw new TabularDataException(path, $"'ignore' names column '{ignored}', which the file does not have; the columns are {string.Join(", ", names)}", 1);
        }

        string[] featureColumns = [.. names.Where(n => n != options.Label && !options.Ignore.Contains(n, StringComparer.Ordinal))];
        if (featureColumns.Length == 0)
        {
            throw new TabularDataException(path, $"no feature columns are left besides the label '{options.Label}' and the ignored ones");
        }

        bool Used(string name) => name == options.Label || featureColumns.Contains(name, StringComparer.Ordinal);
        var table = TabularFileReader.Load(path, separator, columns, options.Label, Used);
        var validationTable = options.ValidationPath is { } validationPath
            ? TabularFileReader.Load(validationPath, TabularFileReader.ResolveSeparator(validationPath, options.Separator), columns, options.Label, Used)
            : null;

        var task = ResolveTask(table, options.Label, options.Task);
        TabularMetric metric;
        try
        {
            metric = TabularMetric.Find(options.Metric ?? TabularMetric.DefaultFor(task).Name, task);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(ex.Message, "metric", ex);
        }

        string[] classes = task == TabularTask.Regression ? [] : ClassNamesOf(table.Labels);
        float[] targets = Targets(table, classes, options.Label);
        float[]? validationTargets = validationTable is null ? null : Targets(validationTable, classes, options.Label);

        List<int> trainRows, validationRows;
        if (validationTable is null)
        {
            var (strata, strataCount) = task == TabularTask.Regression ? Quintiles(targets) : ([.. targets.Select(t => (int)t)], classes.Length);
            (trainRows, validationRows) = DatasetSplit.StratifiedRows(strata, strataCount, options.ValidationFraction, options.SplitSeed);
            if (validationRows.Count == 0)
            {
                throw new TabularDataException(path, $"{table.RowCount} rows are too few to hold out a validation set; add rows or give a separate 'validation' file");
            }
        }
        else
        {
            trainRows = [.. Enumerable.Range(0, table.RowCount)];
            validationRows = [.. Enumerable.Range(0, validationTable.RowCount)];
        }

        var encoder = TabularEncoder.Fit(table, featureColumns, trainRows, options.MaxOneHot, options.HashBuckets);
        if (encoder.Width == 0)
        {
            throw new TabularDataException(path, "the feature columns hold no values in the training rows");
        }

        var validationSource = validationTable ?? table;
        return new TabularData
        {
            Task = task,
            Metric = metric,
            ClassNames = classes,
            FeatureCount = encoder.Width,
            TrainRows = trainRows.Count,
            ValidationRows = validationRows.Count,
            TrainFeatures = encoder.Transform(table, trainRows),
            TrainTargets = [.. trainRows.Select(r => targets[r])],
            ValidationFeatures = encoder.Transform(validationSource, validationRows),
            ValidationTargets = [.. validationRows.Select(r => (validationTargets ?? targets)[r])],
            Encodings = encoder.Describe(),
            Columns = table.Columns,
            DroppedRows = table.DroppedRows + (validationTable?.DroppedRows ?? 0),
        };
    }

    /// <summary>
    /// The task <paramref name="requested"/>, checked against the labels, or the one they suggest: text or at
    /// most <see cref="MaxInferredClasses"/> distinct integers is classification (binary with two values),
    /// anything else numeric is regression.
    /// </summary>
    internal static TabularTask ResolveTask(TabularTable table, string label, TabularTask? requested)
    {
        string path = table.Path;
        int firstText = Array.FindIndex(table.Labels, l => !TabularFileReader.TryParseNumber(l, out _));
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (string l in table.Labels)
        {
            if (distinct.Count <= MaxClasses)
            {
                distinct.Add(Canonical(l));
            }
        }

        bool integral = firstText < 0 && table.Labels.All(l => TabularFileReader.TryParseNumber(l, out float v) && v == MathF.Floor(v));
        var task = requested ?? (firstText >= 0 || (integral && distinct.Count <= MaxInferredClasses)
            ? (distinct.Count == 2 ? TabularTask.Binary : TabularTask.Multiclass)
            : TabularTask.Regression);
        if (task == TabularTask.Regression)
        {
            return firstText < 0
                ? task
                : throw new TabularDataException(path, $"the label is '{table.Labels[firstText]}', not a number; a regression task needs numeric labels (use task 'binary' or 'multiclass' for classes)", table.Lines[firstText], label);
        }

        if (distinct.Count < 2)
        {
            throw new TabularDataException(path, $"every row has the label '{table.Labels[0]}'; classification needs at least 2 classes", column: label);
        }

        if (distinct.Count > MaxClasses)
        {
            throw new TabularDataException(path, $"the label has more than {MaxClasses} distinct values; that is too many classes (use task 'regression' for a number)", column: label);
        }

        if (task == TabularTask.Binary && distinct.Count != 2)
        {
            throw new TabularDataException(path, $"the label has {distinct.Count} classes; task 'binary' needs exactly 2 (use 'multiclass')", column: label);
        }

        return task;
    }

    /// <summary>The label's distinct values in order: numerically when all are numbers, else ordinally.</summary>
    private static string[] ClassNamesOf(string[] labels)
    {
        string[] distinct = [.. labels.Select(Canonical).Distinct(StringComparer.Ordinal)];
        bool numeric = distinct.All(d => TabularFileReader.TryParseNumber(d, out _));
        return numeric
            ? [.. distinct.OrderBy(d => double.Parse(d, CultureInfo.InvariantCulture))]
            : [.. distinct.Order(StringComparer.Ordinal)];
    }

    // "1" and "1.0" are one class.
    private static string Canonical(string label) =>
        TabularFileReader.TryParseNumber(label, out float v) ? v.ToString(CultureInfo.InvariantCulture) : label;

    private static float[] Targets(TabularTable table, string[] classes, string label)
    {
        var targets = new float[table.RowCount];
        if (classes.Length == 0)
        {
            for (int i = 0; i < targets.Length; i++)
            {
                targets[i] = TabularFileReader.TryParseNumber(table.Labels[i], out float v)
                    ? v
                    : throw new TabularDataException(table.Path, $"the label is '{table.Labels[i]}', not a number; this regression task needs numeric labels", table.Lines[i], label);
            }

            return targets;
        }

        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = index.TryGetValue(Canonical(table.Labels[i]), out int c)
                ? c
                : throw new TabularDataException(table.Path, $"the label is '{table.Labels[i]}', a class the training file does not have (its classes: {string.Join(", ", classes)})", table.Lines[i], label);
        }

        return targets;
    }

    // Regression rows are stratified by the target's quintile, so both sets span its range.
    private static (int[] Strata, int Count) Quintiles(float[] targets)
    {
        int[] order = [.. Enumerable.Range(0, targets.Length).OrderBy(i => targets[i])];
        var strata = new int[targets.Length];
        for (int rank = 0; rank < order.Length; rank++)
        {
            strata[order[rank]] = (int)((long)rank * 5 / order.Length);
        }

        return (strata, 5);
    }
}
