namespace Hpo.Scheduler.Persistence;

/// <summary>What is needed to create an experiment. JSON fields are stored verbatim (jsonb on PostgreSQL).</summary>
/// <param name="Name">Unique name.</param>
/// <param name="MetricName">The reported metric, e.g. <c>val_accuracy</c>.</param>
/// <param name="Direction">Whether larger or smaller is better.</param>
/// <param name="MetricLowerBound">Lower bound of the metric used for normalisation into model space, if known.</param>
/// <param name="MetricUpperBound">Upper bound of the metric used for normalisation into model space, if known.</param>
/// <param name="MaxEpochs">The epochs a trial trains when never stopped (≥ 1).</param>
/// <param name="SearchSpaceJson">The search space (see <c>Hpo.Scheduler.SearchSpaces</c>).</param>
/// <param name="TunerJson">Tuner settings.</param>
/// <param name="PolicyJson">Stopping-policy settings.</param>
/// <param name="SettingsJson">Everything else the experiment needs (workload, budgets), or null.</param>
public sealed record ExperimentSpec(
    string Name,
    string MetricName,
    MetricDirection Direction,
    double? MetricLowerBound,
    double? MetricUpperBound,
    int MaxEpochs,
    string SearchSpaceJson,
    string TunerJson,
    string PolicyJson,
    string? SettingsJson = null)
{
    /// <summary>
    /// The name of the first field in which <paramref name="other"/> differs from this spec, or null when they
    /// describe the same experiment. JSON fields compare as JSON, not as text: PostgreSQL stores them as jsonb,
    /// which reorders keys and drops whitespace, so a stored spec reads back textually different.
    /// </summary>
    public string? FirstDifference(ExperimentSpec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Name != other.Name ? nameof(Name)
            : MetricName != other.MetricName ? nameof(MetricName)
            : Direction != other.Direction ? nameof(Direction)
            : MetricLowerBound != other.MetricLowerBound ? nameof(MetricLowerBound)
            : MetricUpperBound != other.MetricUpperBound ? nameof(MetricUpperBound)
            : MaxEpochs != other.MaxEpochs ? nameof(MaxEpochs)
            : !SameJson(SearchSpaceJson, other.SearchSpaceJson) ? nameof(SearchSpaceJson)
            : !SameJson(TunerJson, other.TunerJson) ? nameof(TunerJson)
            : !SameJson(PolicyJson, other.PolicyJson) ? nameof(PolicyJson)
            : !SameJson(SettingsJson, other.SettingsJson) ? nameof(SettingsJson)
            : null;
    }

    private static bool SameJson(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a == b;
        }

        try
        {
            return System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(a), System.Text.Json.Nodes.JsonNode.Parse(b));
        }
        catch (System.Text.Json.JsonException)
        {
            return a == b;
        }
    }
}
