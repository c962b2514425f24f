using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.AutoMl;

/// <summary>
/// Reads the JSON that AutoML's <c>TrialSettings.Parameter</c> serialises to. <c>AddSearchSpace(key, space)</c>
/// nests a trial's parameters under <c>key</c> (<c>{"key": {"lr": 0.1}}</c>); a tuner of your own may give them flat.
/// </summary>
public static class AutoMlParameters
{
    /// <summary>Parses AutoML's parameter JSON into a flat configuration.</summary>
    /// <param name="json">What <c>JsonSerializer.Serialize(settings.Parameter)</c> returns.</param>
    /// <param name="searchSpaceKey">
    /// The key given to <c>AddSearchSpace</c>: the parameters are read from under it. Null: a JSON object whose only
    /// property holds an object is unwrapped (one search space), any other object is read as flat parameters.
    /// </param>
    /// <exception cref="FormatException">The JSON is not an object, the key is missing or holds no object, or a value is not a number, string or boolean; the message names the key or parameter.</exception>
    public static TrialParameters FromJson(string json, string? searchSpaceKey = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"AutoML parameters are not valid JSON: {ex.Message}", ex);
        }

        if (node is not JsonObject obj)
        {
            throw new FormatException("AutoML parameters must be a JSON object.");
        }

        if (searchSpaceKey is not null)
        {
            if (!obj.TryGetPropertyValue(searchSpaceKey, out var nested))
            {
                throw new FormatException($"AutoML parameters have no search space '{searchSpaceKey}' (found: {string.Join(", ", obj.Select(p => $"'{p.Key}'"))}).");
            }

            if (nested is not JsonObject inner)
            {
                throw new FormatException($"AutoML parameters under search space '{searchSpaceKey}' must be a JSON object.");
            }

            return TrialParameters.FromJson(inner.ToJsonString());
        }

        if (obj.Count == 1 && obj.First().Value is JsonObject only)
        {
            return TrialParameters.FromJson(only.ToJsonString());
        }

        return TrialParameters.FromJson(json);
    }
}
