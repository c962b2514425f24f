namespace Hpo.Scheduler.Stopping;

/// <summary>
/// A stopping policy that answers Continue to every report of an epoch below <see cref="MinEpochs"/>, whatever the
/// context. Such a report needs nothing read to be decided: a fleet worker decides it without reading what other workers
/// stored meanwhile (the next decision that needs the context reads it).
/// </summary>
public interface IMinEpochsPolicy
{
    /// <summary>The first epoch the policy may answer with anything but Continue (at least 1).</summary>
    int MinEpochs { get; }
}
