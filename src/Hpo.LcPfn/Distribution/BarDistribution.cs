using Hpo.LcPfn.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Distribution;

/// <summary>
/// The "full-support bar distribution" of spec §3: a Riemann distribution over fixed bucket borders
/// whose two outermost buckets are replaced by half-normal tails, so every real value has finite
/// density. The scale of each tail is chosen so that half of its mass lies within its bucket's width.
/// Offers batched torch operations on logits (training loss, evaluation) and per-distribution CPU
/// objects (<see cref="BarPredictiveDistribution"/>) for the inference API.
/// </summary>
public sealed class BarDistribution
{
    private readonly double[] _borders;
    private readonly double[] _widths;

    /// <summary>Creates the distribution over <paramref name="borders"/> (strictly increasing, finite, at least 3 values = 2 buckets).</summary>
    /// <exception cref="ArgumentException">The borders are too few, not finite or not strictly increasing.</exception>
    public BarDistribution(IReadOnlyList<double> borders)
    {
        ArgumentNullException.ThrowIfNull(borders);
        if (borders.Count < 3)
        {
            throw new ArgumentException($"A bar distribution needs at least 3 borders (2 buckets); got {borders.Count}.", nameof(borders));
        }

        _borders = borders.ToArray();
        _widths = new double[_borders.Length - 1];
        for (int i = 0; i < _borders.Length; i++)
        {
            if (!double.IsFinite(_borders[i]))
            {
                throw new ArgumentException($"Bucket border {i} is {_borders[i]}; borders must be finite.", nameof(borders));
            }

            if (i > 0)
            {
                _widths[i - 1] = _borders[i] - _borders[i - 1];
                if (!(_widths[i - 1] > 0))
                {
                    throw new ArgumentException($"Bucket borders must be strictly increasing, but border {i} ({_borders[i]}) ≤ border {i - 1} ({_borders[i - 1]}).", nameof(borders));
                }
            }
        }

        LeftTailScale = _widths[0] / NormalMath.HalfNormalMedianFactor;
        RightTailScale = _widths[^1] / NormalMath.HalfNormalMedianFactor;
    }

    /// <summary>The bucket borders (<see cref="BucketCount"/> + 1 values).</summary>
    public IReadOnlyList<double> Borders => _borders;

    /// <summary>The number of buckets (the network's output size).</summary>
    public int BucketCount => _widths.Length;

    /// <summary>Scale of the left half-normal tail, which extends downwards from <c>Borders[1]</c>.</summary>
    public double LeftTailScale { get; }

    /// <summary>Scale of the right half-normal tail, which extends upwards from <c>Borders[^2]</c>.</summary>
    public double RightTailScale { get; }

    internal ReadOnlySpan<double> BorderSpan => _borders;

    internal ReadOnlySpan<double> WidthSpan => _widths;

    /// <summary>
    /// Borders whose buckets each hold equal mass of <paramref name="values"/> (spec §3, the reference's
    /// <c>get_bucket_limits</c>): sort, drop the remainder so every bucket gets the same count, put each
    /// inner border halfway between neighbouring order statistics, and use the minimum and maximum as
    /// the outermost borders. NaN values are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer values than buckets, or too few distinct values for distinct borders.</exception>
    public static double[] BordersFromSamples(ReadOnlySpan<float> values, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 2);
        var sorted = new List<float>(values.Length);
        foreach (float v in values)
        {
            if (!float.IsNaN(v))
            {
                sorted.Add(v);
            }
        }

        if (sorted.Count < buckets)
        {
            throw new ArgumentException($"{buckets} buckets need at least {buckets} sample values; got {sorted.Count}.", nameof(values));
        }

        sorted.Sort();
        double min = sorted[0];
        double max = sorted[^1];
        int usable = sorted.Count - sorted.Count % buckets;
        int perBucket = usable / buckets;
        var borders = new double[buckets + 1];
        borders[0] = min;
        borders[buckets] = max;
        for (int i = 1; i < buckets; i++)
        {
            // Order statistics of the truncated sample, as in the reference (ys[:-(len % n)]).
            borders[i] = (sorted[i * perBucket - 1] + (double)sorted[i * perBucket]) / 2;
        }

        for (int i = 1; i < borders.Length; i++)
        {
            if (!(borders[i] > borders[i - 1]))
            {
                throw new ArgumentException($"The samples have too few distinct values for {buckets} distinct buckets (border {i} equals border {i - 1}).", nameof(values));
            }
        }

        return borders;
    }

    /// <summary>The CPU distribution for one set of bucket probabilities (non-negative, summing to 1).</summary>
    public BarPredictiveDistribution FromProbabilities(ReadOnlySpan<float> probabilities) => new(this, probabilities);

    // The tensor methods below spell their arithmetic with explicit Scalars (TorchScalars, or `using` locals)
    // and add(…, One) instead of `+`: TorchSharp's implicit Scalar temporaries can be finalized by a GC
    // while libtorch still reads them (see TorchScalars). Training calls LogDensity every step.

    /// <summary>ln p(<paramref name="y"/>) for logits of shape (…, buckets) and <paramref name="y"/> of shape (…).</summary>
    public Tensor LogDensity(Tensor logits, Tensor y)
    {
        CheckBuckets(logits);
        using var scope = NewDisposeScope();
        var c = Constants(logits);
        using var last = LastBucket();
        using var b1 = c.B1.ToScalar();
        using var bn = c.BnMinus1.ToScalar();
        var logp = nn.functional.log_softmax(logits, -1);
        var idx = BucketIndex(c, y, last);
        var inner = logp.gather(-1, idx.unsqueeze(-1)).squeeze(-1) - c.LogWidths.take(idx);
        var left = logp.select(-1, 0).add(HalfNormalLogPdf(y.neg().add(b1, TorchScalars.One), LeftTailScale), TorchScalars.One);
        var right = logp.select(-1, BucketCount - 1).add(HalfNormalLogPdf(y.sub(bn), RightTailScale), TorchScalars.One);
        var result = where(idx.eq(TorchScalars.ZeroIndex), left, where(idx.eq(last), right, inner));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>P(Y ≤ <paramref name="y"/>) for logits of shape (…, buckets) and <paramref name="y"/> of shape (…).</summary>
    public Tensor Cdf(Tensor logits, Tensor y)
    {
        CheckBuckets(logits);
        using var scope = NewDisposeScope();
        var c = Constants(logits);
        using var last = LastBucket();
        using var b1 = c.B1.ToScalar();
        using var bn = c.BnMinus1.ToScalar();
        using var leftScale = (LeftTailScale * Math.Sqrt(2)).ToScalar();
        using var rightScale = (RightTailScale * Math.Sqrt(2)).ToScalar();
        var p = nn.functional.softmax(logits, -1);
        var cumBefore = p.cumsum(-1) - p;
        var idx = BucketIndex(c, y, last).unsqueeze(-1);
        var flat = idx.squeeze(-1);
        var fraction = (y - c.Borders.take(flat)).div(c.Widths.take(flat)).clamp(TorchScalars.Zero, TorchScalars.One);
        var inner = cumBefore.gather(-1, idx).squeeze(-1).add(p.gather(-1, idx).squeeze(-1).mul(fraction), TorchScalars.One);
        var left = p.select(-1, 0).mul(y.neg().add(b1, TorchScalars.One).clamp_min(TorchScalars.Zero).div(leftScale).erfc());
        // 1 − p_last · erfc(…)
        var right = p.select(-1, BucketCount - 1).mul(y.sub(bn).clamp_min(TorchScalars.Zero).div(rightScale).erfc()).neg().add(TorchScalars.One, TorchScalars.One);
        var result = where(flat.eq(TorchScalars.ZeroIndex), left, where(flat.eq(last), right, inner));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>P(Y &gt; <paramref name="threshold"/>) = 1 − CDF.</summary>
    public Tensor ProbabilityAbove(Tensor logits, Tensor threshold)
    {
        using var scope = NewDisposeScope();
        return Cdf(logits, threshold).neg().add(TorchScalars.One, TorchScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>The expected value for logits of shape (…, buckets); result shape (…).</summary>
    public Tensor Mean(Tensor logits)
    {
        CheckBuckets(logits);
        using var scope = NewDisposeScope();
        var p = nn.functional.softmax(logits, -1);
        var means = new double[BucketCount];
        for (int i = 0; i < BucketCount; i++)
        {
            means[i] = _borders[i] + _widths[i] / 2;
        }

        means[0] = _borders[1] - LeftTailScale * NormalMath.HalfNormalMeanFactor;
        means[^1] = _borders[^2] + RightTailScale * NormalMath.HalfNormalMeanFactor;
        var m = tensor(means, dtype: logits.dtype, device: logits.device);
        return matmul(p, m).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The <paramref name="level"/>-quantile (inverse CDF, 0 &lt; level &lt; 1) for logits of shape (…, buckets);
    /// result shape (…). Computed in float64 because the tail inversion needs erfinv near 1.
    /// </summary>
    public Tensor Quantile(Tensor logits, double level)
    {
        CheckBuckets(logits);
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "A quantile level must lie strictly between 0 and 1.");
        }

        using var scope = NewDisposeScope();
        var l64 = logits.to_type(ScalarType.Float64);
        var c = Constants(l64);
        using var last = LastBucket();
        using var levelScalar = level.ToScalar();
        using var tiny = 1e-300.ToScalar();
        using var b1 = c.B1.ToScalar();
        using var bn = c.BnMinus1.ToScalar();
        using var leftScale = (LeftTailScale * Math.Sqrt(2)).ToScalar();
        using var rightScale = (RightTailScale * Math.Sqrt(2)).ToScalar();
        var p = nn.functional.softmax(l64, -1);
        var cum = p.cumsum(-1);
        var q = full(cum.shape[..^1].Append(1L).ToArray(), levelScalar, dtype: ScalarType.Float64, device: logits.device);
        var idx = searchsorted(cum.contiguous(), q).clamp(TorchScalars.ZeroIndex, last);
        var pIdx = p.gather(-1, idx).squeeze(-1);
        var before = (cum.gather(-1, idx) - p.gather(-1, idx)).squeeze(-1);
        var flat = idx.squeeze(-1);
        var fraction = before.neg().add(levelScalar, TorchScalars.One).div(pIdx.clamp_min(tiny)).clamp(TorchScalars.Zero, TorchScalars.One);
        var inner = c.Borders.take(flat).add(c.Widths.take(flat).mul(fraction), TorchScalars.One);
        // Left tail: B1 − s·√2·erfinv(1 − level/p0); right tail: Bn−1 + s·√2·erfinv(1 − (1 − level)/pn).
        var levelTensor = tensor(level, dtype: ScalarType.Float64, device: logits.device);
        var upperTensor = tensor(1 - level, dtype: ScalarType.Float64, device: logits.device);
        var left = TailInverse(levelTensor, p.select(-1, 0), tiny).mul(leftScale).neg().add(b1, TorchScalars.One);
        var right = TailInverse(upperTensor, p.select(-1, BucketCount - 1), tiny).mul(rightScale).add(bn, TorchScalars.One);
        var result = where(flat.eq(TorchScalars.ZeroIndex), left, where(flat.eq(last), right, inner));
        return result.to_type(logits.dtype).MoveToOuterDisposeScope();
    }

    internal Tensor BucketIndex(Tensor y)
    {
        using var scope = NewDisposeScope();
        using var last = LastBucket();
        var b = tensor(_borders, dtype: y.dtype, device: y.device);
        return searchsorted(b, y.contiguous(), right: true).sub(TorchScalars.OneIndex).clamp(TorchScalars.ZeroIndex, last).MoveToOuterDisposeScope();
    }

    private static Tensor BucketIndex(in TorchConstants c, Tensor y, Scalar last) =>
        searchsorted(c.Borders, y.to_type(c.Borders.dtype).contiguous(), right: true).sub(TorchScalars.OneIndex).clamp(TorchScalars.ZeroIndex, last);

    // erfinv(clamp(1 − mass / p_tail, 0, 1)), the tail's half-normal inversion.
    private static Tensor TailInverse(Tensor mass, Tensor tailProbability, Scalar tiny) =>
        mass.div(tailProbability.clamp_min(tiny)).neg().add(TorchScalars.One, TorchScalars.One).clamp(TorchScalars.Zero, TorchScalars.One).erfinv();

    private Scalar LastBucket() => ((long)BucketCount - 1).ToScalar();

    private static Tensor HalfNormalLogPdf(Tensor distance, double scale)
    {
        // ln(2) − ln(scale) + ln φ(d/scale); distances below 0 only occur in branches where() discards.
        using var constant = (Math.Log(2) - Math.Log(scale) - (0.5 * Math.Log(2 * Math.PI))).ToScalar();
        using var twoVariance = (2 * scale * scale).ToScalar();
        return distance.square().div(twoVariance).neg().add(constant, TorchScalars.One);
    }

    private TorchConstants Constants(Tensor like)
    {
        var dtype = like.dtype;
        var device = like.device;
        var borders = tensor(_borders, dtype: dtype, device: device);
        var widths = tensor(_widths, dtype: dtype, device: device);
        return new TorchConstants(borders, widths, widths.log(), _borders[1], _borders[^2]);
    }

    private void CheckBuckets(Tensor logits)
    {
        if (logits.dim() < 1 || logits.shape[^1] != BucketCount)
        {
            throw new ArgumentException($"The logits' last dimension must be {BucketCount} (the number of buckets); got shape [{string.Join(", ", logits.shape)}].", nameof(logits));
        }
    }

    private readonly record struct TorchConstants(Tensor Borders, Tensor Widths, Tensor LogWidths, double B1, double BnMinus1);
}
