using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hpo.Workers.Workloads;

/// <summary>
/// The worker-side fields of an experiment's settings JSON: <c>workload</c> (the workload object, e.g.
/// <c>{"type":"lcbench","surrogate":"/data/yahpo-lcbench","task":"3945"}</c>; paths as the workers see them) and
/// <c>epochDelayMs</c> (an added pause per epoch, to pace simulated workloads such as the LCBench surrogate).
/// </summary>
/// <param name="WorkloadJson">The workload object as JSON.</param>
/// <param name="EpochDelay">The pause added before each epoch (zero for none).</param>
public sealed record ExperimentWorkloadSettings(string WorkloadJson, TimeSpan EpochDelay)
{
    /// <summary>The settings field that holds the workload object.</summary>
    public const string WorkloadField = "workload";

    /// <summary>The settings field that holds the per-epoch delay in milliseconds.</summary>
    public const string EpochDelayField = "epochDelayMs";

    /// <summary>Reads the fields from an experiment's settings JSON.</summary>
    /// <exception cref="ArgumentException">There is no workload object, or a field has the wrong type.</exception>
    public static ExperimentWorkloadSettings Parse(string? settingsJson)
    {
        if (string.IsNullOrWhiteSpace(settingsJson))
        {
            throw new ArgumentException($"The experiment has no settings; a worker needs '{WorkloadField}' there.", nameof(settingsJson));
        }

        JsonObject settings;
        try
        {
            settings = JsonNode.Parse(settingsJson) as JsonObject ?? throw new ArgumentException("The experiment's settings are not a JSON object.", nameof(settingsJson));
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The experiment's settings are not valid JSON: {ex.Message}", nameof(settingsJson), ex);
        }

        var workload = settings[WorkloadField] switch
        {
            JsonObject o => o.ToJsonString(),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw new ArgumentException($"The experiment's settings need '{WorkloadField}', e.g. {{\"type\":\"lcbench\",\"surrogate\":\"/data/yahpo-lcbench\",\"task\":\"3945\"}}.", nameof(settingsJson)),
        };
        var delay = settings[EpochDelayField] switch
        {
            null => TimeSpan.Zero,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() is >= 0 and <= 3_600_000 and var ms => TimeSpan.FromMilliseconds(ms),
            var other => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Settings field '{EpochDelayField}' must be a number of milliseconds (0–3,600,000); it is {other.ToJsonString()}."), nameof(settingsJson)),
        };
        return new ExperimentWorkloadSettings(workload, delay);
    }
}
