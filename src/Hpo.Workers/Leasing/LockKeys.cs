namespace Hpo.Workers.Leasing;

/// <summary>Advisory-lock keys (class id, object id); the class ids spell "HPO" so they do not collide with other applications' locks.</summary>
internal static class LockKeys
{
    /// <summary>The lock class of per-experiment trial creation.</summary>
    public const int AdvanceClass = 0x48504F01;

    /// <summary>The lock class of the fleet-wide sweep.</summary>
    public const int SweepClass = 0x48504F02;

    /// <summary>The object id of experiment <paramref name="experimentId"/> (ids beyond 32 bits fold onto it, which only serialises more).</summary>
    public static int Experiment(long experimentId) => unchecked((int)(experimentId ^ (experimentId >> 32)));
}
