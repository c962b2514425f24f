using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Tuning;
using Hpo.Scheduler.Workloads;

namespace Hpo.Scheduler.Experiments.Files;

/// <summary>
/// Reads experiment files (<c>hpo run experiment.json</c>, <c>hpo submit</c>): one JSON object with
/// <c>name</c>, <c>workload</c>, <c>metric</c>, <c>maxEpochs</c> (required) and <c>searchSpace</c>,
/// <c>tuner</c>, <c>policy</c>, <c>budget</c>, <c>concurrency</c>, <c>seed</c>, <c>leaseSeconds</c>
/// (optional). Unknown fields are errors; every error names the JSON path of the offending field
/// (<see cref="ExperimentFileException"/>). Comments and trailing commas are allowed.
/// </summary>
public static partial class ExperimentFile
{
    /// <summary>The <c>searchSpace</c> value that takes the workload's default space.</summary>
    public const string DefaultSearchSpace = "default";

    /// <summary>The tuner used when the file gives none.</summary>
    public const string DefaultTunerJson = """{"type":"random"}""";

    /// <summary>The lease used when the file gives none: a run interrupted by Ctrl+C resumes its trials at most this long after restarting.</summary>
    public const int DefaultLeaseSeconds = 10;

    private static readonly string[] RootFields = ["name", "workload", "metric", "maxEpochs", "searchSpace", "tuner", "policy", "budget", "concurrency", "seed", "leaseSeconds"];
    private static readonly string[] MetricFields = ["name", "direction", "lowerBound", "upperBound"];
    private static readonly string[] BudgetFields = ["maxTrials", "maxTotalEpochs", "maxWallTimeSeconds"];

    /// <summary>Reads and validates the experiment file at <paramref name="path"/>.</summary>
    /// <exception cref="ExperimentFileException">The file is invalid; the message starts with the JSON path of the offending field.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static async Task<ExperimentDefinition> LoadAsync(string path, WorkloadRegistry registry, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Experiment file '{path}' does not exist.", path);
        }

        string json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, registry);
    }

    /// <summary>Validates the experiment file text <paramref name="json"/>.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="registry">The workloads that may be named (Hpo.Workloads' <c>BuiltInWorkloads.CreateRegistry()</c> for the built-in ones); gives <c>"default"</c> search spaces.</param>
    /// <exception cref="ExperimentFileException">The file is invalid; the message starts with the JSON path of the offending field.</exception>
    public static ExperimentDefinition Parse(string json, WorkloadRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(registry);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            string where = ex.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, position {ex.BytePositionInLine + 1})") : "";
            throw new ExperimentFileException(ex.Path is { Length: > 0 } p ? p : "$", $"not valid JSON{where}: {FirstSentence(ex.Message)}", ex);
        }

        var root = node as JsonObject ?? throw new ExperimentFileException("$", "must be a JSON object");
        AllowOnly(root, "$", RootFields);

        string name = RequiredString(root, "$", "name");
        if (name.Trim() != name || name.Length > 200)
        {
            throw new ExperimentFileException("$.name", "must not start or end with spaces and must be at most 200 characters");
        }

        var workload = ReadWorkload(root, registry);
        string workloadType = workload["type"]!.GetValue<string>();

        var metric = Required(root, "$", "metric") as JsonObject ?? throw new ExperimentFileException("$.metric", "must be an object such as {\"name\": \"val_accuracy\", \"direction\": \"maximize\"}");
        AllowOnly(metric, "$.metric", MetricFields);
        string metricName = RequiredString(metric, "$.metric", "name");
        var direction = RequiredString(metric, "$.metric", "direction") switch
        {
            "maximize" => MetricDirection.Maximize,
            "minimize" => MetricDirection.Minimize,
            var other => throw new ExperimentFileException("$.metric.direction", $"is '{other}'; expected 'maximize' or 'minimize'"),
        };
        double? lower = OptionalNumber(metric, "$.metric", "lowerBound");
        double? upper = OptionalNumber(metric, "$.metric", "upperBound");
        if (lower is { } lo && upper is { } hi && !(lo < hi))
        {
            throw new ExperimentFileException("$.metric.upperBound", $"is {Format(hi)}; it must be greater than lowerBound ({Format(lo)})");
        }

        int maxEpochs = (int)(OptionalInteger(root, "$", "maxEpochs", 1, 100_000) ?? throw Missing("$", "maxEpochs"));

        var options = ReadOptions(root);
        var space = ReadSearchSpace(root, registry, workloadType, maxEpochs);
        string searchSpaceJson = space.ToJsonString();

        string tunerJson = root["tuner"] is { } tuner
            ? (tuner as JsonObject ?? throw new ExperimentFileException("$.tuner", "must be an object such as {\"type\": \"random\"}")).ToJsonString()
            : DefaultTunerJson;
        Translate("$.tuner", "Tuner", () => new TunerFactory().Create(tunerJson, SearchSpace.FromJson(searchSpaceJson), options.Seed));

        string policyJson = root["policy"] is { } policy
            ? (policy as JsonObject ?? throw new ExperimentFileException("$.policy", "must be an object such as {\"type\": \"lcpfn\", \"delta\": 0.05}")).ToJsonString()
            : StoppingPolicyFactory.DefaultPolicyJson;
        Translate("$.policy", "Policy", () => new StoppingPolicyFactory(ValidationPredictor.Instance).Create(policyJson));

        var spec = new ExperimentSpec(name, metricName, direction, lower, upper, maxEpochs, searchSpaceJson, tunerJson, policyJson, ExperimentDefinition.SettingsJson(options, workload));
        return new ExperimentDefinition(spec, options, workload.ToJsonString());
    }

    /// <summary>The file form of a direction: <c>maximize</c> or <c>minimize</c>.</summary>
    public static string DirectionName(MetricDirection direction) => direction == MetricDirection.Maximize ? "maximize" : "minimize";

    /// <summary>Maps a workload factory's <see cref="ArgumentException"/> to the path of the setting it names.</summary>
    internal static ExperimentFileException WorkloadError(ArgumentException ex)
    {
        string message = ex.ParamName is { } p ? ex.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : ex.Message;
        if (UnknownWorkloadSetting().Match(message) is { Success: true } unknown)
        {
            return new ExperimentFileException($"$.workload.{unknown.Groups["name"].Value}", $"unknown setting; {unknown.Groups["rest"].Value.TrimEnd('.')}", ex);
        }

        if (WorkloadSetting().Match(message) is { Success: true } m)
        {
            return new ExperimentFileException($"$.workload.{m.Groups["name"].Value}", m.Groups["rest"].Value.TrimStart(':', ' ').TrimEnd('.'), ex);
        }

        return new ExperimentFileException("$.workload", message.TrimEnd('.'), ex);
    }

    private static JsonObject ReadWorkload(JsonObject root, WorkloadRegistry registry)
    {
        var workload = Required(root, "$", "workload") switch
        {
            JsonObject obj => (JsonObject)obj.DeepClone(),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => new JsonObject { ["type"] = v.GetValue<string>() },
            _ => throw new ExperimentFileException("$.workload", "must be an object such as {\"type\": \"digits-mlp\"} or a workload type name"),
        };
        string type = RequiredString(workload, "$.workload", "type");
        if (!registry.Contains(type))
        {
            throw new ExperimentFileException("$.workload.type", $"is '{type}'; known workloads: {string.Join(", ", registry.Types)}");
        }

        return workload;
    }

    private static ExperimentOptions ReadOptions(JsonObject root)
    {
        var options = new ExperimentOptions { LeaseDuration = TimeSpan.FromSeconds(DefaultLeaseSeconds) };
        if (root["budget"] is { } budgetNode)
        {
            var budget = budgetNode as JsonObject ?? throw new ExperimentFileException("$.budget", "must be an object such as {\"maxTrials\": 24}");
            AllowOnly(budget, "$.budget", BudgetFields);
            options.MaxTrials = (int)(OptionalInteger(budget, "$.budget", "maxTrials", 1, 1_000_000) ?? options.MaxTrials);
            options.MaxTotalEpochs = OptionalInteger(budget, "$.budget", "maxTotalEpochs", 1, long.MaxValue);
            options.MaxWallTime = OptionalInteger(budget, "$.budget", "maxWallTimeSeconds", 1, 10L * 365 * 24 * 3600) is { } wall ? TimeSpan.FromSeconds(wall) : null;
        }

        options.Concurrency = (int)(OptionalInteger(root, "$", "concurrency", 1, 1024) ?? 1);
        options.Seed = (int)(OptionalInteger(root, "$", "seed", int.MinValue, int.MaxValue) ?? 0);
        options.LeaseDuration = TimeSpan.FromSeconds(OptionalInteger(root, "$", "leaseSeconds", 1, 24 * 3600) ?? DefaultLeaseSeconds);
        return options.Validate();
    }

    private static JsonObject ReadSearchSpace(JsonObject root, WorkloadRegistry registry, string workloadType, int maxEpochs)
    {
        JsonObject space;
        switch (root["searchSpace"])
        {
            case null:
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == DefaultSearchSpace:
                string json = registry.GetDefaultSearchSpace(workloadType)
                    ?? throw new ExperimentFileException("$.searchSpace", $"workload '{workloadType}' has no default search space; give one as an object of parameters");
                space = (JsonObject)JsonNode.Parse(json)!;

                // The built-in spaces record the epoch budget as a constant 'epochs'; keep it truthful.
                if (space["epochs"] is JsonObject epochs && epochs["type"]?.GetValue<string>() == "constant")
                {
                    epochs["value"] = maxEpochs;
                }

                break;
            case JsonObject obj:
                space = (JsonObject)obj.DeepClone();
                break;
            default:
                throw new ExperimentFileException("$.searchSpace", $"must be \"{DefaultSearchSpace}\" or an object mapping parameter names to dimensions");
        }

        try
        {
            SearchSpace.FromJson(space.ToJsonString());
        }
        catch (HpoValidationException ex)
        {
            throw SearchSpaceError(ex);
        }

        return space;
    }

    private static ExperimentFileException SearchSpaceError(HpoValidationException ex)
    {
        var m = SearchSpaceParameter().Match(ex.Message);
        if (!m.Success)
        {
            return new ExperimentFileException("$.searchSpace", ex.Message.TrimEnd('.'), ex);
        }

        string path = $"$.searchSpace.{m.Groups["name"].Value}";
        string rest = m.Groups["rest"].Value;
        var field = FieldPrefix().Match(rest);
        return field.Success
            ? new ExperimentFileException($"{path}.{field.Groups["field"].Value}", field.Groups["rest"].Value.TrimEnd('.'), ex)
            : new ExperimentFileException(path, rest.TrimStart(':', ' ').TrimEnd('.'), ex);
    }

    // The factories' errors read "<Title> field 'x' <problem>."; re-address them to the file's JSON path.
    private static void Translate(string path, string title, Func<object> create)
    {
        try
        {
            create();
        }
        catch (HpoValidationException ex)
        {
            var m = FactoryField().Match(ex.Message);
            throw m.Success && m.Groups["title"].Value == title
                ? new ExperimentFileException($"{path}.{m.Groups["field"].Value}", m.Groups["rest"].Value.TrimEnd('.'), ex)
                : new ExperimentFileException(path, ex.Message.TrimEnd('.'), ex);
        }
    }

    private static void AllowOnly(JsonObject obj, string path, string[] allowed)
    {
        foreach (var (field, _) in obj)
        {
            if (!allowed.Contains(field, StringComparer.Ordinal))
            {
                throw new ExperimentFileException($"{path}.{field}", $"unknown field; known fields: {string.Join(", ", allowed)}");
            }
        }
    }

    private static JsonNode Required(JsonObject obj, string path, string field) => obj[field] ?? throw Missing(path, field);

    private static ExperimentFileException Missing(string path, string field) => new($"{path}.{field}", "required field is missing");

    private static string RequiredString(JsonObject obj, string path, string field) => Required(obj, path, field) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s => s,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => throw new ExperimentFileException($"{path}.{field}", "must not be empty"),
        var other => throw new ExperimentFileException($"{path}.{field}", $"must be a string; it is {other.ToJsonString()}"),
    };

    private static double? OptionalNumber(JsonObject obj, string path, string field) => obj[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && double.IsFinite(v.GetValue<double>()) => v.GetValue<double>(),
        var other => throw new ExperimentFileException($"{path}.{field}", $"must be a number; it is {other.ToJsonString()}"),
    };

    private static long? OptionalInteger(JsonObject obj, string path, string field, long min, long max)
    {
        if (obj[field] is null)
        {
            return null;
        }

        if (obj[field] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue(out long value))
        {
            throw new ExperimentFileException($"{path}.{field}", $"must be an integer; it is {obj[field]!.ToJsonString()}");
        }

        return value < min || value > max
            ? throw new ExperimentFileException($"{path}.{field}", max == long.MaxValue ? $"is {value}; it must be at least {min}" : $"is {value}; it must be in [{min}, {max}]")
            : value;
    }

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0].Trim();

    [GeneratedRegex("^(?<title>Policy|Tuner) field '(?<field>[^']+)' (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex FactoryField();

    [GeneratedRegex("^Search space parameter '(?<name>[^']+)'(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex SearchSpaceParameter();

    [GeneratedRegex("^:? ?(unknown )?field '(?<field>[^']+)' (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex FieldPrefix();

    [GeneratedRegex("^Workload '[^']+' has no setting '(?<name>[^']+)'; (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex UnknownWorkloadSetting();

    [GeneratedRegex("^Workload '[^']+' setting '(?<name>[^']+)'(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex WorkloadSetting();
}
