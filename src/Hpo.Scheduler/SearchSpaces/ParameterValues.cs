using System.Globalization;
using System.Text.Json.Nodes;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>Conversions between parameter values (double, long, string, bool) and JSON, with number-aware equality.</summary>
internal static class ParameterValues
{
    public static object Normalise(string name, object value) => value switch
    {
        double d when double.IsFinite(d) => d,
        float f when float.IsFinite(f) => (double)f,
        int i => (long)i,
        long l => l,
        string s => s,
        bool b => b,
        null => throw new ArgumentException($"Parameter '{name}': a value is null.", nameof(value)),
        _ => throw new ArgumentException($"Parameter '{name}': value {value} has unsupported type {value.GetType().Name}; use a finite number, string or bool.", nameof(value)),
    };

    // 3 (long) and 3.0 (double) are the same choice: JSON does not keep the distinction.
    public static bool AreEqual(object a, object b) => (a, b) switch
    {
        (double x, double y) => x == y,
        (long x, long y) => x == y,
        (double x, long y) => x == y,
        (long x, double y) => x == y,
        _ => a.Equals(b),
    };

    public static string Format(object value) => value switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    public static JsonNode ToNode(object value) => value switch
    {
        double d => JsonValue.Create(d),
        long l => JsonValue.Create(l),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        _ => throw new InvalidOperationException($"Unsupported parameter value type {value.GetType().Name}."),
    };
}
