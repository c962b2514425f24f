using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Threshold;

/// <summary>Settings of <see cref="ThresholdStoppingPolicy"/>.</summary>
public sealed class ThresholdOptions
{
    /// <summary>The value (metric units) a trial's best must reach, or be better than, to continue. Required; finite.</summary>
    public double Threshold { get; set; } = double.NaN;

    /// <summary>The first epoch at which the threshold applies. Default 1; at least 1.</summary>
    public int MinEpochs { get; set; } = 1;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public ThresholdOptions Validate()
    {
        if (!double.IsFinite(Threshold))
        {
            throw new HpoValidationException($"Policy field 'threshold' is {Threshold.ToString(CultureInfo.InvariantCulture)}; it must be a finite number.");
        }

        if (MinEpochs < 1)
        {
            throw new HpoValidationException($"Policy field 'minEpochs' is {MinEpochs}; it must be at least 1.");
        }

        return this;
    }
}
