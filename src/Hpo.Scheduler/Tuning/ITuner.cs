using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Tuning;

/// <summary>Proposes configurations and learns from results. Mirrors <c>Microsoft.ML.AutoML.ITuner</c>.</summary>
public interface ITuner
{
    /// <summary>The configuration for the trial described by <paramref name="settings"/> (its <see cref="TrialSettings.TrialId"/> is set).</summary>
    TrialParameters Propose(TrialSettings settings);

    /// <summary>Feeds back a finished trial.</summary>
    void Update(TrialResult result);
}
