using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.LcPfn;

/// <summary>Settings of <see cref="LcPfnStoppingPolicy"/> (defaults from the LC-PFN paper, spec §6).</summary>
public sealed class LcPfnPolicyOptions
{
    /// <summary>
    /// δ: a trial stops when the predicted P(y &gt; y_best) (at the final epoch, or the largest over the
    /// remaining epochs, see <see cref="Horizon"/>) is below this; in (0, 1). Default 0.05, the paper's setting and the
    /// largest δ that left no LCBench task worse than no stopping with the default model in the vertical protocol, on the
    /// development tasks and on the ten outside them (0.1–0.15 were faster on the development tasks only; models/README.md,
    /// "δ, chosen with this model").
    /// </summary>
    public double Delta { get; set; } = 0.05;

    /// <summary>
    /// The first epoch after which the policy may stop a trial. Default 2: one point says nothing
    /// about a curve's slope. At least 1.
    /// </summary>
    public int MinEpochs { get; set; } = 2;

    /// <summary>
    /// Which future epochs the rule looks at. Default <see cref="LcPfnHorizon.FinalEpoch"/>, spec §6's
    /// rule: it matched the all-remaining-epochs variant's speed-up and regret on the LCBench benchmark
    /// (BENCHMARKS.md) at about half the cost per decision. JSON: <c>"horizon": "final" | "remaining"</c>.
    /// </summary>
    public LcPfnHorizon Horizon { get; set; } = LcPfnHorizon.FinalEpoch;

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

        if (!Enum.IsDefined(Horizon))
        {
            throw new HpoValidationException($"Policy field 'horizon' is {(int)Horizon}; it must be 'final' or 'remaining'.");
        }

        return this;
    }
}
