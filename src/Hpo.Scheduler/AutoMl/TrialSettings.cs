using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.AutoMl;

/// <summary>
/// What one trial should run. Mirrors <c>Microsoft.ML.AutoML.TrialSettings</c> (same member names) so
/// an adapter to that package is a field-by-field copy.
/// </summary>
public sealed class TrialSettings
{
    /// <summary>
    /// The trial's number within its experiment: AutoMLExperiment numbers trials from 0, the experiment loop
    /// from 1. Early stopping keys curves by it, so it must be unique within an <see cref="EarlyStoppingSession"/>.
    /// </summary>
    public int TrialId { get; set; }

    /// <summary>The configuration to train (AutoML calls its type <c>Parameter</c>).</summary>
    public TrialParameters Parameter { get; set; } = TrialParameters.Empty;

    /// <summary>When the trial started (UTC).</summary>
    public DateTime StartedAtUtc { get; set; }

    /// <summary>When the trial ended (UTC), once it has.</summary>
    public DateTime? EndedAtUtc { get; set; }
}
