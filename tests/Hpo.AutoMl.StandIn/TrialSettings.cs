// Compile-time stand-in for Microsoft.ML.AutoML, which our package feed does not serve: it declares the
// public members that examples/automl/*.cs uses, with their real names and signatures, so that a signature
// mistake in the example breaks the build. Test-only: never shipped or packed. Bodies are minimal, not AutoML's.

using Microsoft.ML.SearchSpace;

namespace Microsoft.ML.AutoML;

/// <summary>What one trial runs.</summary>
public class TrialSettings
{
    /// <summary>The trial's number; AutoMLExperiment counts from 0.</summary>
    public int TrialId { get; set; }

    /// <summary>When the trial started (UTC).</summary>
    public DateTime StartedAtUtc { get; set; }

    /// <summary>When the trial ended (UTC).</summary>
    public DateTime? EndedAtUtc { get; set; }

    /// <summary>The configuration, nested under each search space's key.</summary>
    public Parameter Parameter { get; set; }
}
