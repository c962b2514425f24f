using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Workloads;
using Hpo.Scheduler.Workloads.LcBench;
using Hpo.Workers.Workloads;

namespace Hpo.Cli.Workers;

/// <summary>
/// The experiment file <c>hpo submit</c> reads (a minimal form until the shared experiment-file loader lands):
/// <code>
/// {
///   "name": "lcbench-3945",
///   "workload": {"type":"lcbench","surrogate":"/data/yahpo-lcbench","task":"3945"},
///   "policy": {"type":"asha"},                 // default: lcpfn
///   "tuner": {"type":"random"},                // default: random
///   "budget": {"maxTrials":20,"concurrency":4,"maxTotalEpochs":1040,"seed":1},
///   "epochDelayMs": 0,                         // optional pacing of simulated workloads
///   "maxEpochs": 52, "metric": "val_accuracy", "direction": "maximize", "lowerBound": 0, "upperBound": 1,
///   "searchSpace": { ... }                     // default: the workload's own space
/// }
/// </code>
/// Metric, direction, max epochs and search space default to the workload's. Paths are as the workers see them.
/// </summary>
internal static class ExperimentFile
{
    private static readonly string[] Known = ["name", "workload", "policy", "tuner", "budget", "epochDelayMs", "maxEpochs", "metric", "direction", "lowerBound", "upperBound", "searchSpace"];

    /// <summary>Reads the experiment in <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The file is malformed; the message names the field.</exception>
    public static ExperimentSpec Read(string path, WorkloadRegistry registry)
    {
        JsonObject file;
        try
        {
            file = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new ArgumentException($"{path}: the experiment file must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{path}: not valid JSON: {ex.Message}", ex);
        }

        foreach (var (key, _) in file)
        {
            if (!Known.Contains(key, StringComparer.Ordinal))
            {
                throw new ArgumentException($"{path}: unknown field '{key}'; known fields: {string.Join(", ", Known)}.");
            }
        }

        string name = String(file, "name") ?? throw new ArgumentException($"{path}: field 'name' is required.");
        var workloadNode = file["workload"] ?? throw new ArgumentException($"{path}: field 'workload' is required, e.g. {{\"type\":\"lcbench\",\"surrogate\":\"/data/yahpo-lcbench\",\"task\":\"3945\"}}.");
        string workloadJson = workloadNode is JsonValue ? workloadNode.GetValue<string>() : workloadNode.ToJsonString();
        var workloadSettings = WorkloadSettings.Parse(workloadJson);
        var workload = registry.Create(workloadSettings);
        try
        {
            int maxEpochs = Int(file, "maxEpochs") ?? (workload is LcBenchWorkload ? LcBenchWorkload.MaxEpochs : throw new ArgumentException($"{path}: field 'maxEpochs' is required for workload '{workloadSettings.Type}'."));
            string searchSpace = file["searchSpace"]?.ToJsonString()
                ?? registry.GetDefaultSearchSpace(workloadSettings.Type)
                ?? (workload as LcBenchWorkload)?.SearchSpace.ToJson()
                ?? throw new ArgumentException($"{path}: field 'searchSpace' is required for workload '{workloadSettings.Type}'.");
            var direction = String(file, "direction") switch
            {
                null => workload.HigherIsBetter ? MetricDirection.Maximize : MetricDirection.Minimize,
                var d when d.Equals("maximize", StringComparison.OrdinalIgnoreCase) => MetricDirection.Maximize,
                var d when d.Equals("minimize", StringComparison.OrdinalIgnoreCase) => MetricDirection.Minimize,
                var d => throw new ArgumentException($"{path}: field 'direction' is '{d}'; expected maximize or minimize."),
            };
            double? lower = Double(file, "lowerBound") ?? (workload is LcBenchWorkload ? 0 : null);
            double? upper = Double(file, "upperBound") ?? (workload is LcBenchWorkload ? 1 : null);

            var settings = file["budget"] is JsonObject budget ? (JsonObject)budget.DeepClone() : [];
            settings[ExperimentWorkloadSettings.WorkloadField] = JsonNode.Parse(workloadSettings.ToString());
            if (Double(file, "epochDelayMs") is { } delay)
            {
                settings[ExperimentWorkloadSettings.EpochDelayField] = delay;
            }

            return new ExperimentSpec(
                name,
                String(file, "metric") ?? workload.MetricName,
                direction,
                lower,
                upper,
                maxEpochs,
                searchSpace,
                file["tuner"]?.ToJsonString() ?? """{"type":"random"}""",
                file["policy"]?.ToJsonString() ?? StoppingPolicyFactory.DefaultPolicyJson,
                settings.ToJsonString());
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
    }

    private static string? String(JsonObject file, string field) => file[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw new ArgumentException($"Field '{field}' must be a string; it is {other.ToJsonString()}."),
    };

    private static double? Double(JsonObject file, string field) => file[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        var other => throw new ArgumentException($"Field '{field}' must be a number; it is {other.ToJsonString()}."),
    };

    private static int? Int(JsonObject file, string field) => Double(file, field) switch
    {
        null => null,
        double d when d == Math.Floor(d) && d is >= 1 and <= int.MaxValue => (int)d,
        double d => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Field '{field}' must be a positive integer; it is {d}.")),
    };
}
