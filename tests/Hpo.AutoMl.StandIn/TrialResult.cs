// Compile-time stand-in for Microsoft.ML.AutoML, which our package feed does not serve: it declares the
// public members that examples/automl/*.cs uses, with their real names and signatures, so that a signature
// mistake in the example breaks the build. Test-only: never shipped or packed. Bodies are minimal, not AutoML's.

namespace Microsoft.ML.AutoML;

/// <summary>The outcome of one trial.</summary>
public class TrialResult
{
    /// <summary>The settings the trial ran with.</summary>
    public TrialSettings TrialSettings { get; set; }

    /// <summary>The trained model.</summary>
    public ITransformer Model { get; set; }

    /// <summary>The trial's metric.</summary>
    public double Metric { get; set; }

    /// <summary>What tuners minimise.</summary>
    public double Loss { get; set; }

    /// <summary>Wall time of the trial.</summary>
    public double DurationInMilliseconds { get; set; }

    /// <summary>Peak CPU use, set by the experiment.</summary>
    public double? PeakCpu { get; set; }

    /// <summary>Peak memory in MB, set by the experiment.</summary>
    public double? PeakMemoryInMegaByte { get; set; }
}
