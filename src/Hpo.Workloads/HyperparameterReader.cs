using System.Globalization;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads;

/// <summary>
/// Reads a workload's hyperparameters from a configuration with defaults and range checks, so every bad
/// value fails before training with an <see cref="ArgumentException"/> naming the workload and parameter.
/// </summary>
internal sealed class HyperparameterReader
{
    /// <summary>Search spaces carry the epoch budget as a constant parameter; it is metadata, not a hyperparameter.</summary>
    public const string EpochsParameter = "epochs";

    private readonly TrialParameters _parameters;
    private readonly string _workload;

    /// <summary>Checks that every parameter is one of <paramref name="known"/> (or <see cref="EpochsParameter"/>): a typo must not silently train the default.</summary>
    public HyperparameterReader(TrialParameters parameters, string workload, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _workload = workload;
        string[] unknown = [.. parameters.Keys.Where(k => k != EpochsParameter && !known.Contains(k, StringComparer.Ordinal))];
        if (unknown.Length > 0)
        {
            throw new ArgumentException(
                $"Workload '{workload}' has no hyperparameter {string.Join(", ", unknown.Select(u => $"'{u}'"))}; known: {string.Join(", ", known)} (and '{EpochsParameter}').",
                nameof(parameters));
        }
    }

    /// <summary>A float in [<paramref name="min"/>, <paramref name="max"/>] (the low end open when <paramref name="minExclusive"/>).</summary>
    public double Double(string name, double defaultValue, double min, double max, bool minExclusive = false)
    {
        if (!_parameters.ContainsKey(name))
        {
            return defaultValue;
        }

        double value = Read(name, () => _parameters.GetDouble(name), "a number");
        bool aboveMin = minExclusive ? value > min : value >= min;
        return aboveMin && value <= max
            ? value
            : throw Invalid(name, $"must be in {(minExclusive ? '(' : '[')}{Format(min)}, {Format(max)}]; it is {Format(value)}");
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Int32(string name, int defaultValue, int min, int max)
    {
        if (!_parameters.ContainsKey(name))
        {
            return defaultValue;
        }

        long value = Read(name, () => _parameters.GetInt64(name), "an integer");
        return value >= min && value <= max
            ? (int)value
            : throw Invalid(name, $"must be an integer in [{min}, {max}]; it is {value}");
    }

    /// <summary>One of <paramref name="choices"/> (case-insensitive; the canonical spelling is returned).</summary>
    public string Choice(string name, string defaultValue, IReadOnlyList<string> choices)
    {
        if (!_parameters.ContainsKey(name))
        {
            return defaultValue;
        }

        string value = Read(name, () => _parameters.GetString(name), "a string");
        return choices.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(name, $"must be one of {string.Join(", ", choices.Select(c => $"'{c}'"))}; it is '{value}'");
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private T Read<T>(string name, Func<T> read, string expected)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is InvalidCastException or OverflowException)
        {
            throw Invalid(name, $"must be {expected}; it is {_parameters[name]}", ex);
        }
    }

    private ArgumentException Invalid(string name, string problem, Exception? inner = null) =>
        new($"Hyperparameter '{name}' of workload '{_workload}' {problem}.", "parameters", inner);
}
