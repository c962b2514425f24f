namespace Hpo.LcPfn.Prior;

/// <summary>
/// A small, copyable xoshiro256** generator. Every random draw in the library comes from one of these,
/// keyed by (seed, stream, index), so a curve's value depends only on its key: batches are reproducible
/// regardless of thread count, and resuming a training run needs nothing but the step number.
/// </summary>
internal struct SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates the generator for one key.</summary>
    public SeededRandom(ulong seed, ulong stream, ulong index)
    {
        // Mix the three key parts through SplitMix64 so neighbouring keys give unrelated states.
        ulong x = SplitMix(seed ^ 0x6A09E667F3BCC909UL);
        x = SplitMix(x ^ stream * 0x9E3779B97F4A7C15UL);
        x = SplitMix(x ^ index * 0xBF58476D1CE4E5B9UL);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitRotate(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 45);
        return result;
    }

    /// <summary>Uniform on the open interval (0, 1): never 0, so logarithms are safe.</summary>
    public double NextDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Uniform on (<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A standard normal draw (Box–Muller without a cached second value, so the state stays four words).</summary>
    public double NextNormal()
    {
        double u1 = NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public double Normal(double mean, double std) => mean + std * NextNormal();

    /// <summary>exp(N(<paramref name="mu"/>, <paramref name="sigma"/>²)).</summary>
    public double LogNormal(double mu, double sigma) => Math.Exp(Normal(mu, sigma));

    /// <summary>Uniform integer in [<paramref name="low"/>, <paramref name="highInclusive"/>].</summary>
    public int NextInt(int low, int highInclusive)
    {
        ulong range = (ulong)(highInclusive - low + 1);
        return low + (int)(NextUInt64() % range);
    }

    private static ulong BitRotate(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
