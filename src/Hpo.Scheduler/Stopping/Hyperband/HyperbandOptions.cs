using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Hyperband;

/// <summary>Settings of <see cref="HyperbandStoppingPolicy"/> (defaults from lcbench-protocol.md).</summary>
public sealed class HyperbandOptions
{
    /// <summary>η of every bracket. Default 3; at least 2.</summary>
    public int Eta { get; set; } = 3;

    /// <summary>r_min of the most aggressive bracket; bracket s starts at r_min·η^s. Default 1; at least 1.</summary>
    public int MinResource { get; set; } = 1;

    /// <summary>
    /// How many brackets to use, or null for every bracket whose first rung lies below the final
    /// epoch (4 for 52 epochs: r_min 1, 3, 9, 27). At least 1 when set.
    /// </summary>
    public int? Brackets { get; set; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public HyperbandOptions Validate()
    {
        if (Eta < 2)
        {
            throw new HpoValidationException($"Policy field 'eta' is {Eta}; it must be at least 2.");
        }

        if (MinResource < 1)
        {
            throw new HpoValidationException($"Policy field 'minResource' is {MinResource}; it must be at least 1.");
        }

        if (Brackets is < 1)
        {
            throw new HpoValidationException($"Policy field 'brackets' is {Brackets}; it must be at least 1.");
        }

        return this;
    }
}
