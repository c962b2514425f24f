// Compile-time stand-in for Microsoft.ML.AutoML, which our package feed does not serve: it declares the
// public members that examples/automl/*.cs uses, with their real names and signatures, so that a signature
// mistake in the example breaks the build. Test-only: never shipped or packed. Bodies are minimal, not AutoML's.

namespace Microsoft.ML.AutoML;

/// <summary>Observes an experiment's trials.</summary>
public interface IMonitor
{
    /// <summary>A trial completed.</summary>
    void ReportCompletedTrial(TrialResult result);

    /// <summary>A trial became the best.</summary>
    void ReportBestTrial(TrialResult result);

    /// <summary>A trial threw or was cancelled.</summary>
    void ReportFailTrial(TrialSettings settings, Exception exception = null);

    /// <summary>A trial started.</summary>
    void ReportRunningTrial(TrialSettings settings);
}
