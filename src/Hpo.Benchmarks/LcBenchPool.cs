using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Tuning;
using Hpo.Workloads.LcBench;

namespace Hpo.Benchmarks;

/// <summary>
/// One task's pool of configurations with their full learning curves (lcbench-protocol.md): sampled
/// from the LCBench space with a fixed seed, curves from the surrogate, and the target (the best value
/// any run reaches at any epoch).
/// </summary>
public sealed class LcBenchPool
{
    private const int SurrogateChunk = 500;

    /// <summary>Creates a pool from known curves (all of the same length, values higher-is-better).</summary>
    /// <exception cref="ArgumentException">There is no curve, or the curves differ in length or hold non-finite values.</exception>
    public LcBenchPool(string taskId, IReadOnlyList<double[]> curves, IReadOnlyList<TrialParameters>? configurations = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0)
        {
            throw new ArgumentException("A pool needs at least one curve.", nameof(curves));
        }

        int epochs = curves[0].Length;
        if (epochs == 0 || curves.Any(c => c.Length != epochs || c.Any(v => !double.IsFinite(v))))
        {
            throw new ArgumentException("Every curve of a pool must have the same, non-zero length and finite values.", nameof(curves));
        }

        if (configurations is not null && configurations.Count != curves.Count)
        {
            throw new ArgumentException("There must be one configuration per curve.", nameof(configurations));
        }

        TaskId = taskId;
        Curves = curves;
        Configurations = configurations ?? [];
        Epochs = epochs;
        Target = curves.Max(c => c.Max());
        SuffixMax = curves.Select(SuffixMaxima).ToArray();
    }

    /// <summary>The OpenML task id.</summary>
    public string TaskId { get; }

    /// <summary>The configurations (empty for a pool made from curves alone).</summary>
    public IReadOnlyList<TrialParameters> Configurations { get; }

    /// <summary>Curve <c>i</c>: the value after epochs 1..<see cref="Epochs"/> of configuration <c>i</c>.</summary>
    public IReadOnlyList<double[]> Curves { get; }

    /// <summary>The epochs of a full run.</summary>
    public int Epochs { get; }

    /// <summary>The best value any run of the pool reaches at any epoch.</summary>
    public double Target { get; }

    /// <summary>Per curve, <c>SuffixMax[i][T − 1]</c> = the best value at any epoch after epoch T (−∞ for T = Epochs): what the oracle needs.</summary>
    internal IReadOnlyList<double[]> SuffixMax { get; }

    /// <summary>Samples <paramref name="size"/> configurations of task <paramref name="taskId"/> and computes their curves with the surrogate.</summary>
    /// <exception cref="ArgumentException">The size is below 1 or the task is unknown.</exception>
    public static LcBenchPool Create(LcBenchSurrogate surrogate, string taskId, int size, int seed)
    {
        ArgumentNullException.ThrowIfNull(surrogate);
        if (size < 1)
        {
            throw new ArgumentException($"--pool must be at least 1 (got {size}).", nameof(size));
        }

        surrogate.EncodeTask(taskId);
        var random = new Random(SeedMixer.Mix(TaskSeed(seed, taskId), 0));
        var configurations = new TrialParameters[size];
        for (int i = 0; i < size; i++)
        {
            configurations[i] = surrogate.SearchSpace.Sample(random);
        }

        var curves = new List<double[]>(size);
        for (int start = 0; start < size; start += SurrogateChunk)
        {
            curves.AddRange(surrogate.PredictCurves(taskId, configurations[start..Math.Min(size, start + SurrogateChunk)]));
        }

        return new LcBenchPool(taskId, curves, configurations);
    }

    /// <summary>Ordering number <paramref name="index"/>: a random permutation of the pool, the same for every policy.</summary>
    public int[] Ordering(int seed, int index)
    {
        var random = new Random(SeedMixer.Mix(TaskSeed(seed, TaskId), 1 + (long)index));
        var order = Enumerable.Range(0, Curves.Count).ToArray();
        random.Shuffle(order);
        return order;
    }

    private static int TaskSeed(int seed, string taskId)
    {
        long key = long.TryParse(taskId, out long n) ? n : StableHash(taskId);
        return SeedMixer.Mix(seed, key);
    }

    // string.GetHashCode is randomised per process; FNV-1a is stable.
    private static long StableHash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return (long)(hash >> 1);
    }

    private static double[] SuffixMaxima(double[] curve)
    {
        var result = new double[curve.Length];
        double max = double.NegativeInfinity;
        for (int t = curve.Length - 1; t >= 0; t--)
        {
            result[t] = max;
            max = Math.Max(max, curve[t]);
        }

        return result;
    }
}
