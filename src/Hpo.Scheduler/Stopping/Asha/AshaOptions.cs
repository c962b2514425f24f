using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Asha;

/// <summary>Settings of <see cref="AshaStoppingPolicy"/> (defaults from lcbench-protocol.md).</summary>
public sealed class AshaOptions
{
    /// <summary>η, the reduction factor: rungs are η apart and the top 1/η of a rung continue. Default 3; at least 2.</summary>
    public int Eta { get; set; } = 3;

    /// <summary>r_min, the first rung's epoch. Default 1; at least 1.</summary>
    public int MinResource { get; set; } = 1;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public AshaOptions Validate()
    {
        if (Eta < 2)
        {
            throw new HpoValidationException($"Policy field 'eta' is {Eta}; it must be at least 2.");
        }

        if (MinResource < 1)
        {
            throw new HpoValidationException($"Policy field 'minResource' is {MinResource}; it must be at least 1.");
        }

        return this;
    }
}
