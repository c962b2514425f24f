using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Patience;

/// <summary>Settings of <see cref="PatienceStoppingPolicy"/>.</summary>
public sealed class PatienceOptions
{
    /// <summary>k: the epochs without improvement a trial is allowed before it stops. Default 5; at least 0.</summary>
    public int K { get; set; } = 5;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public PatienceOptions Validate()
    {
        if (K < 0)
        {
            throw new HpoValidationException($"Policy field 'k' is {K}; it must be at least 0.");
        }

        return this;
    }
}
