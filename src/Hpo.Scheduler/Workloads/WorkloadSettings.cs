using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace Hpo.Scheduler.Workloads;

/// <summary>
/// The JSON object that chooses and configures a workload, e.g. <c>{"type":"digits-mlp"}</c> or
/// <c>{"type":"lcbench","surrogate":"lcbench.onnx","task":"3945"}</c>. Readers throw
/// <see cref="ArgumentException"/> naming the workload and the setting.
/// </summary>
public sealed partial class WorkloadSettings
{
    /// <summary>The property that names the workload type.</summary>
    public const string TypeProperty = "type";

    private readonly JsonObject _values;

    private WorkloadSettings(string type, JsonObject values)
    {
        Type = type;
        _values = values;
    }

    /// <summary>The workload type, e.g. <c>digits-mlp</c>.</summary>
    public string Type { get; }

    /// <summary>The names of the settings other than <see cref="TypeProperty"/>.</summary>
    public IReadOnlyCollection<string> Names => [.. _values.Select(p => p.Key).Where(k => k != TypeProperty)];

    /// <summary>Parses the JSON object form; a bare type name (no braces) is accepted as <c>{"type": name}</c>.</summary>
    /// <exception cref="ArgumentException">The text is not a JSON object with a non-empty string <c>type</c>.</exception>
    public static WorkloadSettings Parse(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        string text = json.Trim();
        if (BareTypeName().IsMatch(text))
        {
            return new WorkloadSettings(text, new JsonObject { [TypeProperty] = text });
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Workload settings are not valid JSON: {ex.Message}", nameof(json), ex);
        }

        if (node is not JsonObject obj)
        {
            throw new ArgumentException("Workload settings must be a JSON object such as {\"type\":\"digits-mlp\"}.", nameof(json));
        }

        string? type = obj[TypeProperty] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return string.IsNullOrWhiteSpace(type)
            ? throw new ArgumentException($"Workload settings need a string \"{TypeProperty}\", e.g. {{\"type\":\"digits-mlp\"}}.", nameof(json))
            : new WorkloadSettings(type.Trim(), obj);
    }

    /// <summary>Whether setting <paramref name="name"/> is present (and not null).</summary>
    public bool Contains(string name) => _values[name] is not null;

    /// <summary>A string setting, or null when absent.</summary>
    public string? GetString(string name) => _values[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw Invalid(name, $"must be a string; it is {other.ToJsonString()}"),
    };

    /// <summary>A required string setting; numbers are accepted as their invariant text (e.g. a task id <c>3945</c>).</summary>
    public string GetRequiredString(string name) => _values[name] switch
    {
        null => throw Invalid(name, "is required"),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => GetString(name) is { Length: > 0 } s ? s : throw Invalid(name, "must not be empty"),
    };

    /// <summary>A number setting, or null when absent.</summary>
    public double? GetDouble(string name) => _values[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        var other => throw Invalid(name, $"must be a number; it is {other.ToJsonString()}"),
    };

    /// <summary>An integer setting, or null when absent.</summary>
    public int? GetInt32(string name)
    {
        double? value = GetDouble(name);
        return value switch
        {
            null => null,
            double d when d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue => (int)d,
            double d => throw Invalid(name, $"must be an integer; it is {d.ToString(CultureInfo.InvariantCulture)}"),
        };
    }

    /// <summary>A list of strings (a JSON array of strings, or one comma-separated string), or null when absent.</summary>
    public IReadOnlyList<string>? GetStringList(string name) => _values[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [.. v.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
        JsonArray a when a.All(e => e is JsonValue ev && ev.GetValueKind() == JsonValueKind.String) => [.. a.Select(e => e!.GetValue<string>())],
        var other => throw Invalid(name, $"must be an array of strings; it is {other.ToJsonString()}"),
    };

    /// <summary>Throws when a setting other than <see cref="TypeProperty"/> and <paramref name="known"/> is present (catches typos).</summary>
    public void EnsureOnly(params IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        string[] allowed = [.. known];
        string[] unknown = [.. Names.Where(n => !allowed.Contains(n, StringComparer.Ordinal))];
        if (unknown.Length > 0)
        {
            string expected = allowed.Length == 0 ? "it takes no settings" : $"known settings: {string.Join(", ", allowed)}";
            throw new ArgumentException($"Workload '{Type}' has no setting {string.Join(", ", unknown.Select(u => $"'{u}'"))}; {expected}.");
        }
    }

    /// <summary>The JSON object form.</summary>
    public override string ToString() => _values.ToJsonString();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex BareTypeName();

    private ArgumentException Invalid(string name, string problem) => new($"Workload '{Type}' setting '{name}' {problem}.");
}
