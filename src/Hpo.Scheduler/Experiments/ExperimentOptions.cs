using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Workloads;

namespace Hpo.Scheduler.Experiments;

/// <summary>How an in-process experiment runs: concurrency, budgets, seed and leases.</summary>
public sealed class ExperimentOptions
{
    /// <summary>Trials trained at the same time. Default 4; at least 1.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>The most trials the experiment creates, counting those of earlier runs. Default 20 (the LCBench protocol's budget of 20 full runs); at least 1.</summary>
    public int MaxTrials { get; set; } = 20;

    /// <summary>The most epochs trained over all trials, earlier runs included, or null for no limit.</summary>
    public long? MaxTotalEpochs { get; set; }

    /// <summary>
    /// The wall time of this run (measured with the injected TimeProvider; a resumed run gets a new
    /// allowance), or null for no limit. When it is spent no new epoch starts.
    /// </summary>
    public TimeSpan? MaxWallTime { get; set; }

    /// <summary>Seeds the tuner (unless its settings give a seed) and each trial's workload (mixed with the trial number). Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// How long a trial's lease lives without a heartbeat. Default 30 s: a restarted experiment resumes
    /// the trials of a crashed run once their leases have lapsed, i.e. after at most this long. Heartbeats
    /// go out every third of it.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The worker id the loop claims trials under. Default <c>in-process@{machine name}</c>.</summary>
    public string WorkerId { get; set; } = $"in-process@{Environment.MachineName}";

    /// <summary>
    /// Where to keep the best trial's model, without the extension (the run's
    /// <see cref="ITrainedModelRun.ModelFileExtension"/> is appended), e.g. <c>hpo-models/my-experiment</c>.
    /// Whenever an epoch sets a new best value, the model of that trial at that epoch is written there (runs
    /// are disposed when their trial ends, so the best model is kept while it still exists). Null (the default):
    /// no model is saved. Not part of the stored settings: it is where this process writes, not how the
    /// experiment runs.
    /// </summary>
    public string? BestModelPath { get; set; }

    /// <summary>
    /// Reads the run settings from an experiment's <see cref="ExperimentSpec.SettingsJson"/>, so a resumed
    /// experiment runs with the budgets it was created with. Known fields (all optional): <c>concurrency</c>,
    /// <c>maxTrials</c>, <c>maxTotalEpochs</c>, <c>maxWallTimeSeconds</c>, <c>seed</c>, <c>leaseSeconds</c>;
    /// other fields (workload settings) are left to their owners.
    /// </summary>
    /// <exception cref="HpoValidationException">A known field has the wrong type or range; the message names it.</exception>
    public static ExperimentOptions FromSettingsJson(string? json)
    {
        var options = new ExperimentOptions();
        if (string.IsNullOrWhiteSpace(json))
        {
            return options;
        }

        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject ?? throw new HpoValidationException("Field 'SettingsJson' must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new HpoValidationException($"Field 'SettingsJson' is not valid JSON: {ex.Message}", ex);
        }

        options.Concurrency = Int(obj, "concurrency") ?? options.Concurrency;
        options.MaxTrials = Int(obj, "maxTrials") ?? options.MaxTrials;
        options.MaxTotalEpochs = Long(obj, "maxTotalEpochs");
        options.MaxWallTime = Long(obj, "maxWallTimeSeconds") is { } wall ? TimeSpan.FromSeconds(wall) : null;
        options.Seed = Int(obj, "seed") ?? options.Seed;
        options.LeaseDuration = Long(obj, "leaseSeconds") is { } lease ? TimeSpan.FromSeconds(lease) : options.LeaseDuration;
        return options.Validate();
    }

    /// <summary>The settings as the JSON fields <see cref="FromSettingsJson"/> reads (the worker id is per process and is left out).</summary>
    public JsonObject ToSettingsJson()
    {
        var obj = new JsonObject
        {
            ["concurrency"] = Concurrency,
            ["maxTrials"] = MaxTrials,
            ["seed"] = Seed,
            ["leaseSeconds"] = (long)LeaseDuration.TotalSeconds,
        };
        if (MaxTotalEpochs is { } epochs)
        {
            obj["maxTotalEpochs"] = epochs;
        }

        if (MaxWallTime is { } wall)
        {
            obj["maxWallTimeSeconds"] = (long)wall.TotalSeconds;
        }

        return obj;
    }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public ExperimentOptions Validate()
    {
        if (Concurrency < 1)
        {
            throw new HpoValidationException($"Option 'Concurrency' is {Concurrency}; it must be at least 1.");
        }

        if (MaxTrials < 1)
        {
            throw new HpoValidationException($"Option 'MaxTrials' is {MaxTrials}; it must be at least 1.");
        }

        if (MaxTotalEpochs is < 1)
        {
            throw new HpoValidationException($"Option 'MaxTotalEpochs' is {MaxTotalEpochs}; it must be at least 1.");
        }

        if (MaxWallTime is { } wall && wall <= TimeSpan.Zero)
        {
            throw new HpoValidationException($"Option 'MaxWallTime' is {wall.ToString("c", CultureInfo.InvariantCulture)}; it must be positive.");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new HpoValidationException($"Option 'LeaseDuration' is {LeaseDuration.ToString("c", CultureInfo.InvariantCulture)}; it must be at least one second (heartbeats go out every third of it).");
        }

        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            throw new HpoValidationException("Option 'WorkerId' is empty.");
        }

        if (BestModelPath is not null && (string.IsNullOrWhiteSpace(BestModelPath) || BestModelPath.EndsWith('/') || BestModelPath.EndsWith(Path.DirectorySeparatorChar)))
        {
            throw new HpoValidationException($"Option 'BestModelPath' is '{BestModelPath}'; it must name a file (without extension), not be empty or a folder.");
        }

        return this;
    }

    private static long? Long(JsonObject obj, string field) => obj[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l) => l,
        _ => throw new HpoValidationException($"Settings field '{field}' must be an integer."),
    };

    private static int? Int(JsonObject obj, string field) => Long(obj, field) switch
    {
        null => null,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => throw new HpoValidationException($"Settings field '{field}' is out of range."),
    };
}
