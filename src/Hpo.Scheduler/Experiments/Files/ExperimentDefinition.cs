using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Workloads;

namespace Hpo.Scheduler.Experiments.Files;

/// <summary>
/// A validated experiment: the spec to store, the options to run it with, and the workload to train.
/// Built from an experiment file (<see cref="ExperimentFile"/>) or from a stored spec (<see cref="FromSpec"/>),
/// so an in-process run, a resumed run and a fleet submission all see the same experiment.
/// </summary>
public sealed class ExperimentDefinition
{
    /// <summary>The settings field that holds the workload's JSON settings inside <see cref="ExperimentSpec.SettingsJson"/>.</summary>
    public const string WorkloadSettingsField = "workload";

    /// <summary>Creates a definition; use <see cref="ExperimentFile"/> or <see cref="FromSpec"/> rather than this directly.</summary>
    /// <param name="spec">The spec to store; its <see cref="ExperimentSpec.SettingsJson"/> holds the options and the workload.</param>
    /// <param name="options">The options the run uses (the same as those in the settings).</param>
    /// <param name="workloadSettingsJson">The workload's settings, e.g. <c>{"type":"digits-mlp"}</c>.</param>
    public ExperimentDefinition(ExperimentSpec spec, ExperimentOptions options, string workloadSettingsJson)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(workloadSettingsJson);
        Spec = spec;
        Options = options;
        WorkloadSettingsJson = workloadSettingsJson;
    }

    /// <summary>The spec to create (or resume) the experiment with.</summary>
    public ExperimentSpec Spec { get; }

    /// <summary>Concurrency, budgets, seed and lease of the run.</summary>
    public ExperimentOptions Options { get; }

    /// <summary>The workload's JSON settings, e.g. <c>{"type":"digits-mlp"}</c>.</summary>
    public string WorkloadSettingsJson { get; }

    /// <summary>The workload type, e.g. <c>digits-mlp</c>.</summary>
    public string WorkloadType => WorkloadSettings.Parse(WorkloadSettingsJson).Type;

    /// <summary>The stopping policy's type, e.g. <c>lcpfn</c> (which needs an LC-PFN predictor).</summary>
    public string PolicyType => JsonNode.Parse(Spec.PolicyJson)?["type"]?.GetValue<string>() ?? "";

    /// <summary>Whether the policy needs an LC-PFN predictor.</summary>
    public bool NeedsPredictor => PolicyType is "lcpfn" or "freeze-thaw";

    /// <summary>
    /// Rebuilds the definition of a stored experiment (to resume it): the options from its settings and
    /// the workload from their <c>workload</c> field.
    /// </summary>
    /// <exception cref="HpoValidationException">The settings are invalid or name no workload.</exception>
    public static ExperimentDefinition FromSpec(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var options = ExperimentOptions.FromSettingsJson(spec.SettingsJson);
        var workload = string.IsNullOrWhiteSpace(spec.SettingsJson) ? null : JsonNode.Parse(spec.SettingsJson)?[WorkloadSettingsField];
        if (workload is null)
        {
            throw new HpoValidationException($"Experiment '{spec.Name}' records no workload in its settings (field '{WorkloadSettingsField}'); it was not created from an experiment file.");
        }

        return new ExperimentDefinition(spec, options, workload.ToJsonString());
    }

    /// <summary>
    /// Creates the workload from <paramref name="registry"/> and checks
    /// that it reports the experiment's metric in its direction.
    /// </summary>
    /// <exception cref="ExperimentFileException">A workload setting is bad, or the metric does not match the workload's.</exception>
    public IWorkload CreateWorkload(WorkloadRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        IWorkload workload;
        try
        {
            workload = registry.Create(WorkloadSettingsJson);
        }
        catch (ArgumentException ex)
        {
            throw ExperimentFile.WorkloadError(ex);
        }

        try
        {
            if (!string.Equals(workload.MetricName, Spec.MetricName, StringComparison.Ordinal))
            {
                throw new ExperimentFileException("$.metric.name", $"is '{Spec.MetricName}', but workload '{workload.Name}' reports '{workload.MetricName}'");
            }

            if (workload.HigherIsBetter != (Spec.Direction == MetricDirection.Maximize))
            {
                throw new ExperimentFileException("$.metric.direction", $"is '{ExperimentFile.DirectionName(Spec.Direction)}', but for workload '{workload.Name}' {(workload.HigherIsBetter ? "higher" : "lower")} {workload.MetricName} is better");
            }
        }
        catch
        {
            (workload as IDisposable)?.Dispose();
            throw;
        }

        return workload;
    }

    /// <summary>The definition as an experiment file (the inverse of <see cref="ExperimentFile.Parse"/>), e.g. to show or re-submit a stored experiment.</summary>
    public JsonObject ToFileJson()
    {
        var file = new JsonObject
        {
            ["name"] = Spec.Name,
            ["workload"] = JsonNode.Parse(WorkloadSettingsJson),
            ["metric"] = new JsonObject
            {
                ["name"] = Spec.MetricName,
                ["direction"] = ExperimentFile.DirectionName(Spec.Direction),
            },
            ["maxEpochs"] = Spec.MaxEpochs,
            ["searchSpace"] = JsonNode.Parse(Spec.SearchSpaceJson),
            ["tuner"] = JsonNode.Parse(Spec.TunerJson),
            ["policy"] = JsonNode.Parse(Spec.PolicyJson),
        };
        var metric = (JsonObject)file["metric"]!;
        if (Spec.MetricLowerBound is { } lo)
        {
            metric["lowerBound"] = lo;
        }

        if (Spec.MetricUpperBound is { } hi)
        {
            metric["upperBound"] = hi;
        }

        var budget = new JsonObject { ["maxTrials"] = Options.MaxTrials };
        if (Options.MaxTotalEpochs is { } epochs)
        {
            budget["maxTotalEpochs"] = epochs;
        }

        if (Options.MaxWallTime is { } wall)
        {
            budget["maxWallTimeSeconds"] = (long)wall.TotalSeconds;
        }

        file["budget"] = budget;
        file["concurrency"] = Options.Concurrency;
        file["seed"] = Options.Seed;
        file["leaseSeconds"] = (long)Options.LeaseDuration.TotalSeconds;
        return file;
    }

    /// <summary>The settings JSON stored with the spec: the options' fields plus the workload's settings.</summary>
    internal static string SettingsJson(ExperimentOptions options, JsonNode workload)
    {
        var settings = options.ToSettingsJson();
        settings[WorkloadSettingsField] = workload.DeepClone();
        return settings.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
