using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.LcPfn;

/// <summary>Settings of <see cref="LcPfnStoppingPolicy"/> (defaults from the LC-PFN paper, spec §6).</summary>
public sealed class LcPfnPolicyOptions
{
    /// <summary>
    /// δ: a trial stops when the largest predicted P(y_t' &gt; y_best) over its remaining epochs is
    /// below this. Default 0.05, the paper's setting; in (0, 1).
    /// </summary>
    public double Delta { get; set; } = 0.05;

    /// <summary>
    /// The first epoch after which the policy may stop a trial. Default 2: one point says nothing
    /// about a curve's slope. At least 1.
    /// </summary>
    public int MinEpochs { get; set; } = 2;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public LcPfnPolicyOptions Validate()
    {
        if (!(Delta > 0 && Delta < 1))
        {
            throw new HpoValidationException($"Policy field 'delta' is {Delta.ToString(CultureInfo.InvariantCulture)}; it must be in (0, 1).");
        }

        if (MinEpochs < 1)
        {
            throw new HpoValidationException($"Policy field 'minEpochs' is {MinEpochs}; it must be at least 1.");
        }

        return this;
    }
}
