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
    string? SettingsJson = null);
