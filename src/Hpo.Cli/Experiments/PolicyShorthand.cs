using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hpo.Cli.Experiments;

/// <summary>
/// Reads <c>--policy</c>: a JSON object (<c>{"type":"lcpfn","delta":0.01}</c>), a type (<c>lcpfn</c>,
/// <c>asha</c>, <c>none</c>, ...) or a type with its main setting (<c>patience:3</c>, <c>lcpfn:0.01</c>).
/// </summary>
internal static class PolicyShorthand
{
    /// <summary>The setting a <c>type:value</c> shorthand sets, per type.</summary>
    private static readonly Dictionary<string, string?> MainSetting = new(StringComparer.Ordinal)
    {
        ["lcpfn"] = "delta",
        ["freeze-thaw"] = "delta",
        ["asha"] = "eta",
        ["asha-promote"] = "eta",
        ["hyperband"] = "eta",
        ["median"] = "minEpochs",
        ["percentile"] = "percentile",
        ["patience"] = "k",
        ["threshold"] = "threshold",
        ["none"] = null,
    };

    public const string Help = "lcpfn[:delta], freeze-thaw[:delta], asha[:eta], asha-promote[:eta], hyperband[:eta], median[:minEpochs], percentile[:percentile], patience[:k], threshold:value, none, or a JSON object such as {\"type\":\"lcpfn\",\"delta\":0.05,\"minEpochs\":2}";

    /// <exception cref="ArgumentException">The text is neither form; the message lists the forms.</exception>
    public static JsonObject Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(text) as JsonObject ?? throw new ArgumentException($"--policy '{text}' is not a JSON object.");
            }
            catch (JsonException ex)
            {
                throw new ArgumentException($"--policy is not valid JSON: {ex.Message}", ex);
            }
        }

        string[] parts = text.Split(':', 2);
        string type = parts[0].Trim().ToLowerInvariant();
        if (!MainSetting.TryGetValue(type, out string? setting))
        {
            throw new ArgumentException($"--policy '{text}' is not a known policy; use {Help}.");
        }

        var policy = new JsonObject { ["type"] = type };
        if (parts.Length == 2)
        {
            if (setting is null)
            {
                throw new ArgumentException($"--policy '{type}' takes no setting.");
            }

            if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw new ArgumentException($"--policy '{text}': '{parts[1]}' is not a number.");
            }

            policy[setting] = value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);
        }

        return policy;
    }
}
