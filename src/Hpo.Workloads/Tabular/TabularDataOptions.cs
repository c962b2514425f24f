using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// Which tabular file a workload trains on and how: the label, the task, the features, the validation rows,
/// the metric and the categorical encoding. Read from a workload's settings by <see cref="FromSettings"/>.
/// </summary>
public sealed class TabularDataOptions
{
    /// <summary>Default <see cref="MaxOneHot"/>.</summary>
    public const int DefaultMaxOneHot = 32;

    /// <summary>Default <see cref="HashBuckets"/>.</summary>
    public const int DefaultHashBuckets = 64;

    /// <summary>The settings <see cref="FromSettings"/> reads.</summary>
    public static readonly IReadOnlyList<string> SettingNames = [.. DatasetSplitOptions.SettingNames, "label", "task", "ignore", "separator", "validation", "metric", "max_onehot", "hash_buckets"];

    /// <summary>The CSV/TSV file (a header row, then one row per example). Required.</summary>
    public required string DatasetPath { get; init; }

    /// <summary>The column to predict. Required.</summary>
    public required string Label { get; init; }

    /// <summary>The task; null infers it from the label (text or 2–10 distinct integers: classification, else regression).</summary>
    public TabularTask? Task { get; init; }

    /// <summary>Columns that are not features (e.g. ids). Every other column but the label is one.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>The field separator; null detects it from the header line (comma, tab, semicolon or pipe).</summary>
    public char? Separator { get; init; }

    /// <summary>A separate validation file with the same columns; null splits <see cref="DatasetPath"/>.</summary>
    public string? ValidationPath { get; init; }

    /// <summary>Fraction of rows held out for validation when there is no validation file, in (0, 1); default 0.2.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Seed of the split (stratified by class, or by the target's quintile for regression).</summary>
    public int SplitSeed { get; init; } = DatasetSplitOptions.DefaultSplitSeed;

    /// <summary>The metric each epoch reports; null takes <see cref="TabularMetric.DefaultFor"/> the task.</summary>
    public string? Metric { get; init; }

    /// <summary>A categorical feature with at most this many values (in the training rows) is one-hot encoded, else hashed; in [1, 10000], default 32.</summary>
    public int MaxOneHot { get; init; } = DefaultMaxOneHot;

    /// <summary>Buckets a hashed categorical feature gets, in [2, 100000]; default 64.</summary>
    public int HashBuckets { get; init; } = DefaultHashBuckets;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">The message names the setting.</exception>
    public void Validate()
    {
        Check(!string.IsNullOrWhiteSpace(DatasetPath), "dataset", "is required: the CSV/TSV file to train on");
        Check(!string.IsNullOrWhiteSpace(Label), "label", "is required: the column to predict");
        Check(ValidationFraction is > 0 and < 1, "validation_fraction", $"must be in (0, 1); it is {ValidationFraction}");
        Check(MaxOneHot is >= 1 and <= 10_000, "max_onehot", $"must be in [1, 10000]; it is {MaxOneHot}");
        Check(HashBuckets is >= 2 and <= 100_000, "hash_buckets", $"must be in [2, 100000]; it is {HashBuckets}");
        Check(ValidationPath is null || !string.IsNullOrWhiteSpace(ValidationPath), "validation", "is empty; omit it to split the dataset");
        Check(!Ignore.Contains(Label, StringComparer.Ordinal), "ignore", $"lists the label column '{Label}'");
    }

    /// <summary>Reads the options from a workload's settings (<see cref="SettingNames"/>).</summary>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it as <c>Workload 'x' setting 'y' ...</c>.</exception>
    public static TabularDataOptions FromSettings(WorkloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var split = DatasetSplitOptions.FromSettings(settings);
        string Invalid(string name, string problem) => $"Workload '{settings.Type}' setting '{name}' {problem}.";
        string? separatorText = settings.GetString("separator");
        char? separator = separatorText switch
        {
            null => null,
            "tab" or "\\t" => '\t',
            { Length: 1 } s => s[0],
            var other => throw new ArgumentException(Invalid("separator", $"must be one character (or \"tab\"); it is '{other}'")),
        };
        string? taskText = settings.GetString("task");
        TabularTask? task = taskText switch
        {
            null => null,
            "binary" => TabularTask.Binary,
            "multiclass" => TabularTask.Multiclass,
            "regression" => TabularTask.Regression,
            var other => throw new ArgumentException(Invalid("task", $"is '{other}'; expected 'binary', 'multiclass' or 'regression' (or omit it to infer it from the label)")),
        };
        var options = new TabularDataOptions
        {
            DatasetPath = split.DatasetPath ?? throw new ArgumentException(Invalid("dataset", "is required: the CSV/TSV file to train on")),
            Label = settings.GetString("label") ?? throw new ArgumentException(Invalid("label", "is required: the column to predict")),
            Task = task,
            Ignore = settings.GetStringList("ignore") ?? [],
            Separator = separator,
            ValidationPath = settings.GetString("validation"),
            ValidationFraction = split.ValidationFraction,
            SplitSeed = split.SplitSeed,
            Metric = settings.GetString("metric"),
            MaxOneHot = settings.GetInt32("max_onehot") ?? DefaultMaxOneHot,
            HashBuckets = settings.GetInt32("hash_buckets") ?? DefaultHashBuckets,
        };
        try
        {
            options.Validate();
        }
        catch (SettingException ex)
        {
            throw new ArgumentException(Invalid(ex.Setting, ex.Problem), ex);
        }

        return options;
    }

    private static void Check(bool ok, string setting, string problem)
    {
        if (!ok)
        {
            throw new SettingException(setting, problem);
        }
    }

    /// <summary>An invalid option, named by its settings key.</summary>
    private sealed class SettingException(string setting, string problem) : ArgumentException($"Setting '{setting}' {problem}.")
    {
        public string Setting { get; } = setting;

        public string Problem { get; } = problem;
    }
}
