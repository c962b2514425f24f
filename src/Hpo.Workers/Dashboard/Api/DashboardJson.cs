using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>How the JSON API writes its responses: camelCase names, enums as camelCase strings.</summary>
internal static class DashboardJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>A stored JSON text as a JSON value; text that is not JSON is passed on as a string rather than failing the response.</summary>
    public static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }

    /// <summary>The value, or null when it is absent or not finite (JSON has no NaN or infinity).</summary>
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
