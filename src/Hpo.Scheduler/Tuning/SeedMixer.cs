namespace Hpo.Scheduler.Tuning;

/// <summary>Derives independent, stable seeds from a base seed and an index (HashCode is randomised per process, so it cannot be used).</summary>
public static class SeedMixer
{
    /// <summary>A 31-bit seed for item <paramref name="index"/> of a run seeded with <paramref name="seed"/> (SplitMix64 finaliser).</summary>
    public static int Mix(int seed, long index)
    {
        unchecked
        {
            ulong z = ((ulong)(uint)seed << 32) ^ (ulong)index;
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFFFFFF);
        }
    }
}
