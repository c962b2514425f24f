using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Configuration;

/// <summary>Reads a flat JSON settings object with errors that name the offending field.</summary>
internal sealed class JsonSettings
{
    private readonly JsonObject _obj;
    private readonly string _what;

    private JsonSettings(JsonObject obj, string what)
    {
        _obj = obj;
        _what = what;
    }

    public static JsonSettings Parse(string? json, string what)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new HpoValidationException($"The {what} settings are empty; give a JSON object with a 'type'.");
        }

        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject obj
                ? new JsonSettings(obj, what)
                : throw new HpoValidationException($"The {what} settings must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new HpoValidationException($"The {what} settings are not valid JSON: {ex.Message}", ex);
        }
    }

    public string RequiredString(string field) =>
        _obj[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new HpoValidationException($"{Title} field '{field}' is missing or not a string.");

    /// <summary>The field's value when present; it must be one of <paramref name="allowed"/> (ordinal).</summary>
    public string? OptionalString(string field, params string[] allowed)
    {
        if (_obj[field] is null)
        {
            return null;
        }

        string? value = _obj[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return value is not null && allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new HpoValidationException($"{Title} field '{field}' is {_obj[field]!.ToJsonString()}; it must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}.");
    }

    public void AllowOnly(params string[] fields)
    {
        foreach (var (name, _) in _obj)
        {
            if (!fields.Contains(name, StringComparer.Ordinal))
            {
                throw new HpoValidationException($"{Title} field '{name}' is not known for type '{_obj["type"]}' (allowed: {string.Join(", ", fields)}).");
            }
        }
    }

    public double? OptionalDouble(string field, double min, double max, bool exclusiveMin = false)
    {
        if (_obj[field] is null)
        {
            return null;
        }

        if (_obj[field] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            throw new HpoValidationException($"{Title} field '{field}' must be a number.");
        }

        double d = v.GetValue<double>();
        if (d < min || d > max || (exclusiveMin && d == min))
        {
            throw new HpoValidationException($"{Title} field '{field}' is {d.ToString(CultureInfo.InvariantCulture)}; it must be in {(exclusiveMin ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].");
        }

        return d;
    }

    public double RequiredDouble(string field, double min, double max) =>
        OptionalDouble(field, min, max) ?? throw new HpoValidationException($"{Title} field '{field}' is required.");

    public int? OptionalInt(string field, int min, int max)
    {
        double? d = OptionalDouble(field, min, max);
        if (d is null)
        {
            return null;
        }

        return Math.Abs(d.Value - Math.Round(d.Value)) < 1e-9
            ? (int)Math.Round(d.Value)
            : throw new HpoValidationException($"{Title} field '{field}' must be an integer (got {d.Value.ToString(CultureInfo.InvariantCulture)}).");
    }

    public int RequiredInt(string field, int min, int max) =>
        OptionalInt(field, min, max) ?? throw new HpoValidationException($"{Title} field '{field}' is required.");

    /// <summary>The field's integers when present: a non-empty array, each in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int[]? OptionalIntArray(string field, int min, int max)
    {
        if (_obj[field] is null)
        {
            return null;
        }

        if (_obj[field] is not JsonArray array || array.Count == 0)
        {
            throw new HpoValidationException($"{Title} field '{field}' must be a non-empty array of integers.");
        }

        var result = new int[array.Count];
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue(out double d) || Math.Abs(d - Math.Round(d)) > 1e-9)
            {
                throw new HpoValidationException($"{Title} field '{field}[{i}]' must be an integer.");
            }

            if (d < min || d > max)
            {
                throw new HpoValidationException($"{Title} field '{field}[{i}]' is {d.ToString(CultureInfo.InvariantCulture)}; it must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].");
            }

            result[i] = (int)Math.Round(d);
        }

        return result;
    }

    public bool? OptionalBool(string field) => _obj[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        _ => throw new HpoValidationException($"{Title} field '{field}' must be true or false."),
    };

    private string Title => char.ToUpperInvariant(_what[0]) + _what[1..];
}
