using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hpo.Cli.Bench;

/// <summary>The JSON form of benchmark results: camelCase, indented, '+' and quotes unescaped (readable).</summary>
internal static class BenchJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A finite number, or null (JSON has no NaN or infinity).</summary>
    public static double? Number(double value) => double.IsFinite(value) ? Math.Round(value, 6) : null;
}
