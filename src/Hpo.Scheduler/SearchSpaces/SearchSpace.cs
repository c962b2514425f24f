using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>
/// The set of configurations a tuner may propose: named dimensions, each float, int, categorical or
/// constant. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// JSON form (stored in <see cref="ExperimentSpec.SearchSpaceJson"/>): one object whose keys are the
/// parameter names and whose values describe the dimension by <c>type</c>:
/// <code>
/// {
///   "learning_rate": { "type": "float", "low": 1e-4, "high": 0.1, "log": true },
///   "num_layers":    { "type": "int", "low": 1, "high": 5 },
///   "optimizer":     { "type": "categorical", "choices": ["sgd", "adam"] },
///   "task":          { "type": "constant", "value": "3945" }
/// }
/// </code>
/// <c>log</c> is optional (default false; a log dimension needs <c>low</c> &gt; 0). Choices and constants
/// may be strings, numbers or booleans. Unknown fields are rejected so that a typo never silently
/// widens a search.
/// </remarks>
public sealed class SearchSpace
{
    private readonly ParameterSpec[] _parameters;
    private readonly Dictionary<string, ParameterSpec> _byName;

    /// <summary>Creates a space from its dimensions.</summary>
    /// <exception cref="HpoValidationException">There is no dimension, or a name repeats.</exception>
    public SearchSpace(IEnumerable<ParameterSpec> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        if (_parameters.Length == 0)
        {
            throw new HpoValidationException("The search space has no parameters.");
        }

        _byName = new Dictionary<string, ParameterSpec>(StringComparer.Ordinal);
        foreach (var p in _parameters)
        {
            if (!_byName.TryAdd(p.Name, p))
            {
                throw new HpoValidationException($"The search space defines parameter '{p.Name}' twice.");
            }
        }
    }

    /// <summary>The dimensions, in definition order.</summary>
    public IReadOnlyList<ParameterSpec> Parameters => _parameters;

    /// <summary>The dimension called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none.</exception>
    public ParameterSpec this[string name] =>
        _byName.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"The search space has no parameter '{name}'.");

    /// <summary>Parses the JSON form (see the remarks on <see cref="SearchSpace"/>).</summary>
    /// <exception cref="HpoValidationException">The text is not valid; the message names the parameter and field.</exception>
    public static SearchSpace FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            // Duplicate names are a JSON error here rather than a silent "last one wins".
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new HpoValidationException($"The search space is not valid JSON: {ex.Message}", ex);
        }

        if (root is not JsonObject obj)
        {
            throw new HpoValidationException("The search space must be a JSON object mapping parameter names to dimensions.");
        }

        var specs = new List<ParameterSpec>();
        try
        {
            foreach (var (name, node) in obj)
            {
                specs.Add(ParseDimension(name, node));
            }
        }
        catch (JsonException ex)
        {
            throw new HpoValidationException($"The search space is not valid JSON: {ex.Message}", ex);
        }

        return new SearchSpace(specs);
    }

    /// <summary>The JSON form, dimensions in definition order.</summary>
    public string ToJson()
    {
        var obj = new JsonObject();
        foreach (var p in _parameters)
        {
            obj[p.Name] = p.ToJson();
        }

        return obj.ToJsonString();
    }

    /// <summary>Draws one configuration, dimensions sampled in definition order from <paramref name="random"/>.</summary>
    public TrialParameters Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new TrialParameters(_parameters.Select(p => new KeyValuePair<string, object>(p.Name, p.Sample(random))));
    }

    /// <summary>Every problem of <paramref name="parameters"/>: missing and unknown names, values outside their dimension.</summary>
    public IReadOnlyList<string> FindErrors(TrialParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var errors = new List<string>();
        foreach (var p in _parameters)
        {
            if (!parameters.TryGetValue(p.Name, out var value))
            {
                errors.Add($"Parameter '{p.Name}' is missing.");
            }
            else if (p.Check(value) is { } error)
            {
                errors.Add(error);
            }
        }

        errors.AddRange(parameters.Keys.Where(k => !_byName.ContainsKey(k)).Select(k => $"Parameter '{k}' is not in the search space."));
        return errors;
    }

    /// <summary>Checks that <paramref name="parameters"/> is a configuration of this space.</summary>
    /// <exception cref="HpoValidationException">A name is missing or unknown, or a value is outside its dimension; the message names each.</exception>
    public void Validate(TrialParameters parameters)
    {
        var errors = FindErrors(parameters);
        if (errors.Count > 0)
        {
            throw new HpoValidationException(string.Join(" ", errors));
        }
    }

    /// <summary>How many configurations <see cref="EnumerateGrid"/> yields.</summary>
    public long GridSize(int pointsPerNumeric) =>
        _parameters.Aggregate(1L, (n, p) => checked(n * p.GridValues(pointsPerNumeric).Count));

    /// <summary>
    /// The Cartesian product of every dimension's <see cref="ParameterSpec.GridValues"/>, the last
    /// dimension varying fastest (a fixed order, so grid position <c>i</c> is always the same configuration).
    /// </summary>
    public IEnumerable<TrialParameters> EnumerateGrid(int pointsPerNumeric)
    {
        var axes = _parameters.Select(p => p.GridValues(pointsPerNumeric)).ToArray();
        var index = new int[axes.Length];
        while (true)
        {
            yield return new TrialParameters(_parameters.Select((p, i) => new KeyValuePair<string, object>(p.Name, axes[i][index[i]])));
            int d = axes.Length - 1;
            while (d >= 0 && ++index[d] == axes[d].Count)
            {
                index[d] = 0;
                d--;
            }

            if (d < 0)
            {
                yield break;
            }
        }
    }

    /// <summary>Grid point number <paramref name="position"/> (0-based) of <see cref="EnumerateGrid"/>, computed directly.</summary>
    public TrialParameters GridPoint(long position, int pointsPerNumeric)
    {
        var axes = _parameters.Select(p => p.GridValues(pointsPerNumeric)).ToArray();
        long size = axes.Aggregate(1L, (n, a) => checked(n * a.Count));
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, size);
        var values = new KeyValuePair<string, object>[axes.Length];
        for (int d = axes.Length - 1; d >= 0; d--)
        {
            values[d] = new(_parameters[d].Name, axes[d][(int)(position % axes[d].Count)]);
            position /= axes[d].Count;
        }

        return new TrialParameters(values);
    }

    private static ParameterSpec ParseDimension(string name, JsonNode? node)
    {
        if (node is not JsonObject dim)
        {
            throw new HpoValidationException($"Search space parameter '{name}' must be an object with a 'type'.");
        }

        string type = dim["type"] is JsonValue t && t.TryGetValue(out string? s) ? s : throw new HpoValidationException($"Search space parameter '{name}': field 'type' is missing or not a string (float, int, categorical or constant).");
        string[] allowed = type switch
        {
            "float" or "int" => ["type", "low", "high", "log"],
            "categorical" => ["type", "choices"],
            "constant" => ["type", "value"],
            _ => throw new HpoValidationException($"Search space parameter '{name}': field 'type' is '{type}'; expected float, int, categorical or constant."),
        };
        foreach (var (field, _) in dim)
        {
            if (!allowed.Contains(field, StringComparer.Ordinal))
            {
                throw new HpoValidationException($"Search space parameter '{name}': unknown field '{field}' for type '{type}' (allowed: {string.Join(", ", allowed)}).");
            }
        }

        try
        {
            return type switch
            {
                "float" => new FloatParameter(name, Number(name, dim, "low"), Number(name, dim, "high"), Flag(name, dim, "log")),
                "int" => new IntParameter(name, Integer(name, dim, "low"), Integer(name, dim, "high"), Flag(name, dim, "log")),
                "categorical" => new CategoricalParameter(name, (dim["choices"] as JsonArray ?? throw new HpoValidationException($"Search space parameter '{name}': field 'choices' must be an array."))
                    .Select((c, i) => Scalar(name, $"choices[{i}]", c))),
                _ => new ConstantParameter(name, Scalar(name, "value", dim["value"])),
            };
        }
        catch (ArgumentException ex)
        {
            // The dimension constructors word their errors "Parameter 'x': …"; drop ArgumentException's "(Parameter 'low')" suffix.
            string message = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new HpoValidationException($"Search space {char.ToLowerInvariant(message[0])}{message[1..]}", ex);
        }
    }

    private static double Number(string name, JsonObject dim, string field) =>
        dim[field] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.GetValue<double>()
            : throw new HpoValidationException($"Search space parameter '{name}': field '{field}' is missing or not a number.");

    private static long Integer(string name, JsonObject dim, string field)
    {
        double d = Number(name, dim, field);
        return Math.Abs(d - Math.Round(d)) < 1e-9 && Math.Abs(d) < 9e15
            ? (long)Math.Round(d)
            : throw new HpoValidationException($"Search space parameter '{name}': field '{field}' must be an integer (got {d.ToString(CultureInfo.InvariantCulture)}).");
    }

    private static bool Flag(string name, JsonObject dim, string field) => dim[field] switch
    {
        null => false,
        JsonValue v when v.GetValueKind() is JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() is JsonValueKind.False => false,
        _ => throw new HpoValidationException($"Search space parameter '{name}': field '{field}' must be true or false."),
    };

    private static object Scalar(string name, string field, JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? l : node.GetValue<double>(),
        _ => throw new HpoValidationException($"Search space parameter '{name}': field '{field}' must be a string, number or boolean."),
    };
}
