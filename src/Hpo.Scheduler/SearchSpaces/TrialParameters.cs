using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>
/// One configuration: parameter names mapped to values. Values are <see cref="double"/> (float
/// parameters), <see cref="long"/> (int parameters), <see cref="string"/> or <see cref="bool"/>.
/// Immutable; serialises to a flat JSON object (stored as jsonb).
/// </summary>
public sealed class TrialParameters : IReadOnlyDictionary<string, object>
{
    private readonly SortedDictionary<string, object> _values;

    /// <summary>Creates a configuration; every value must be a double, long, int, string or bool.</summary>
    /// <exception cref="ArgumentException">A name is empty, or a value has another type or is not finite.</exception>
    public TrialParameters(IEnumerable<KeyValuePair<string, object>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A parameter name is empty.", nameof(values));
            }

            _values[name] = value switch
            {
                double d when double.IsFinite(d) => d,
                double d => throw new ArgumentException($"Parameter '{name}' is {d.ToString(CultureInfo.InvariantCulture)}; values must be finite.", nameof(values)),
                float f when float.IsFinite(f) => (double)f,
                int i => (long)i,
                long l => l,
                string s => s,
                bool b => b,
                null => throw new ArgumentException($"Parameter '{name}' is null.", nameof(values)),
                _ => throw new ArgumentException($"Parameter '{name}' has unsupported type {value.GetType().Name}; use double, long, string or bool.", nameof(values)),
            };
        }
    }

    /// <summary>An empty configuration.</summary>
    public static TrialParameters Empty { get; } = new([]);

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc />
    public IEnumerable<object> Values => _values.Values;

    /// <inheritdoc />
    public object this[string key] => _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The configuration has no parameter '{key}'.");

    /// <summary>Parses the JSON object form (<see cref="ToJson"/>).</summary>
    /// <exception cref="FormatException">The text is not a flat JSON object of numbers, strings and booleans.</exception>
    public static TrialParameters FromJson(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Parameters are not valid JSON: {ex.Message}", ex);
        }

        if (node is not JsonObject obj)
        {
            throw new FormatException("Parameters must be a JSON object.");
        }

        var values = new List<KeyValuePair<string, object>>();
        foreach (var (name, value) in obj)
        {
            object parsed = value?.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => ParseNumber(value.ToJsonString()),
                _ => throw new FormatException($"Parameter '{name}' must be a number, string or boolean."),
            };
            values.Add(new(name, parsed));
        }

        return new TrialParameters(values);
    }

    /// <summary>The flat JSON object form, keys sorted (so equal configurations serialise equally).</summary>
    public string ToJson()
    {
        var obj = new JsonObject();
        foreach (var (name, value) in _values)
        {
            obj[name] = value switch
            {
                double d => JsonValue.Create(d),
                long l => JsonValue.Create(l),
                string s => JsonValue.Create(s),
                bool b => JsonValue.Create(b),
                _ => throw new InvalidOperationException("unreachable"),
            };
        }

        return obj.ToJsonString();
    }

    /// <summary>A float parameter (an int parameter converts).</summary>
    public double GetDouble(string name) => this[name] switch
    {
        double d => d,
        long l => l,
        var other => throw new InvalidCastException($"Parameter '{name}' is {other.GetType().Name}, not a number."),
    };

    /// <summary>An int parameter (a float parameter with an integral value converts).</summary>
    public long GetInt64(string name) => this[name] switch
    {
        long l => l,
        double d when Math.Abs(d - Math.Round(d)) < 1e-9 => (long)Math.Round(d),
        var other => throw new InvalidCastException($"Parameter '{name}' is {other}, not an integer."),
    };

    /// <summary>An int parameter as <see cref="int"/>.</summary>
    public int GetInt32(string name) => checked((int)GetInt64(name));

    /// <summary>A categorical string parameter.</summary>
    public string GetString(string name) => this[name] as string ?? throw new InvalidCastException($"Parameter '{name}' is not a string.");

    /// <summary>A boolean parameter.</summary>
    public bool GetBoolean(string name) => this[name] is bool b ? b : throw new InvalidCastException($"Parameter '{name}' is not a boolean.");

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out object value) => _values.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => ToJson();

    private static object ParseNumber(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
            ? l
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
