// Compile-time stand-in for Microsoft.ML.AutoML, which our package feed does not serve: it declares the
// public members that examples/automl/*.cs uses, with their real names and signatures, so that a signature
// mistake in the example breaks the build. Test-only: never shipped or packed. Bodies are minimal, not AutoML's.

namespace Microsoft.ML.AutoML;

/// <summary>Runs one trial; AutoMLExperiment resolves one per trial and disposes it when the trial ends.</summary>
public interface ITrialRunner : IDisposable
{
    /// <summary>Trains the trial <paramref name="settings"/> describes.</summary>
    Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken ct);
}
