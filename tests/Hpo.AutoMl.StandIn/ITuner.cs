// Compile-time stand-in for Microsoft.ML.AutoML, which our package feed does not serve: it declares the
// public members that examples/automl/*.cs uses, with their real names and signatures, so that a signature
// mistake in the example breaks the build. Test-only: never shipped or packed. Bodies are minimal, not AutoML's.

using Microsoft.ML.SearchSpace;

namespace Microsoft.ML.AutoML;

/// <summary>Proposes configurations and learns from results (by <see cref="TrialResult.Loss"/>).</summary>
public interface ITuner
{
    /// <summary>The configuration for <paramref name="settings"/>.</summary>
    Parameter Propose(TrialSettings settings);

    /// <summary>Learns from a finished (or failed) trial.</summary>
    void Update(TrialResult result);
}
