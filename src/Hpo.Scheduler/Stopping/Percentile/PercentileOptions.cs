using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Percentile;

/// <summary>Settings of <see cref="PercentileStoppingPolicy"/>.</summary>
public sealed class PercentileOptions
{
    /// <summary>
    /// The share of trials, in percent, that may continue at an epoch (Optuna's PercentilePruner
    /// convention): a trial stops when its best value is worse than the value that this top share of
    /// the other trials reach. 50 is the median rule. Default 50; in (0, 100).
    /// </summary>
    public double Percentile { get; set; } = 50;

    /// <summary>The first epoch at which a trial may be stopped. Default 5 (lcbench-protocol.md); at least 1.</summary>
    public int MinEpochs { get; set; } = 5;

    /// <summary>How many trials, the reporting one included, must have reached an epoch before it is judged. Default 5; at least 2.</summary>
    public int MinTrials { get; set; } = 5;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public PercentileOptions Validate()
    {
        if (!(Percentile > 0 && Percentile < 100))
        {
            throw new HpoValidationException($"Policy field 'percentile' is {Percentile.ToString(CultureInfo.InvariantCulture)}; it must be in (0, 100).");
        }

        if (MinEpochs < 1)
        {
            throw new HpoValidationException($"Policy field 'minEpochs' is {MinEpochs}; it must be at least 1.");
        }

        if (MinTrials < 2)
        {
            throw new HpoValidationException($"Policy field 'minTrials' is {MinTrials}; it must be at least 2.");
        }

        return this;
    }
}
