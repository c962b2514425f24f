using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hpo.LcPfn.Model;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Inference;

/// <summary>
/// The LC-PFN's forward pass and output head in managed code, for the small passes a stopping decision makes: a few
/// curves of a few positions each. It computes what <see cref="LcPfnTransformer.forward"/>, <see cref="LcPfnTransformer.Decode"/>
/// and a softmax compute, from a copy of the network's weights taken once, with every weight matrix rounded to bfloat16
/// (<see cref="Bfloat16"/>) as the predictor's libtorch path has it.
/// </summary>
/// <remarks>
/// Why a second path: libtorch multiplies through MKL's sgemm, whose small-matrix path (<c>sgemm_pst</c>, its copies of
/// the weight matrix and its kernel) was 68 % of a loop of single decisions under perf, and libtorch a fifth of a
/// fleet's CPU. A decision at epoch 2 is three positions; here each weight row is read once per four positions and
/// multiplied in registers, about three times faster with the weights in cache; stored as bfloat16, the weights are half the
/// bytes to read, which the fleet's passes are bound by (BENCHMARKS §4b). For many positions MKL's blocking wins,
/// so <see cref="LcPfnPredictor"/> sends large passes to libtorch (BENCHMARKS §4, "Small passes in managed code"). With
/// the weights out of cache both paths are bound by reading them (for the default model 4.5 MB here, 9 MB in libtorch, which
/// keeps the rounded values in float32). A contract test
/// holds the two paths to the same probabilities. GELU uses the same erf approximation as libtorch's vectorised CPU
/// kernel (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7).
/// Immutable after construction, so concurrent passes need no lock; each thread keeps its own scratch space.
/// </remarks>
internal sealed class SmallPassKernel
{
    private const float LayerNormEpsilon = 1e-5f;
    private static readonly double UniformStd = Math.Sqrt(1.0 / 12.0);

    private readonly int _embedding;
    private readonly int _heads;
    private readonly int _hidden;
    private readonly int _buckets;
    private readonly double _epochScale;
    private readonly float[] _xWeight;
    private readonly float[] _xBias;
    private readonly float[] _yWeight;
    private readonly float[] _yBias;
    private readonly Layer[] _layers;
    private readonly Dense _decoderHidden;
    private readonly Dense _decoderOut;

    // Each thread's scratch space, kept between passes (a decision round allocates nothing).
    [ThreadStatic]
    private static Workspace? _workspace;

    private SmallPassKernel(LcPfnTransformer network)
    {
        var architecture = network.Architecture;
        _embedding = architecture.EmbeddingSize;
        _heads = architecture.Heads;
        _hidden = architecture.Hidden;
        _buckets = architecture.Buckets;
        _epochScale = architecture.MaxEpochs + 1;

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var parameters = network.state_dict();
        // The encoders map one input to the embedding (a column each), rounded like every weight matrix.
        _xWeight = Copy(parameters["x_encoder.weight"]);
        _xBias = Copy(parameters["x_encoder.bias"]);
        _yWeight = Copy(parameters["y_encoder.weight"]);
        _yBias = Copy(parameters["y_encoder.bias"]);
        Bfloat16.Round(_xWeight);
        Bfloat16.Round(_yWeight);
        _decoderHidden = Dense.From(parameters, "decoder.0");
        _decoderOut = Dense.From(parameters, "decoder.2");
        _layers = new Layer[architecture.Layers];
        for (int i = 0; i < _layers.Length; i++)
        {
            string p = $"layers.{i}.";
            _layers[i] = new Layer(
                Dense.From(parameters, p + "self_attn.in_proj"),
                Dense.From(parameters, p + "self_attn.out_proj"),
                Dense.From(parameters, p + "linear1"),
                Dense.From(parameters, p + "linear2"),
                Copy(parameters[p + "norm1.weight"]),
                Copy(parameters[p + "norm1.bias"]),
                Copy(parameters[p + "norm2.weight"]),
                Copy(parameters[p + "norm2.bias"]));
        }
    }

    /// <summary>Copies the weights of <paramref name="network"/> (read once: later changes to the network are not seen).</summary>
    public static SmallPassKernel From(LcPfnTransformer network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new SmallPassKernel(network);
    }

    /// <summary>
    /// Bucket probabilities at the query rows of a pass laid out as <see cref="LcPfnPredictor"/> lays it out:
    /// <paramref name="count"/> curves of <paramref name="seq"/> positions, flat (curve · seq + position).
    /// </summary>
    /// <param name="epochs">Each position's epoch x.</param>
    /// <param name="values">Each position's value y where observed.</param>
    /// <param name="observed">1 where y is observed, 0 for query and padding positions.</param>
    /// <param name="count">Curves in the pass.</param>
    /// <param name="seq">Positions per curve.</param>
    /// <param name="queryRows">The flat indices of the positions whose distribution is wanted.</param>
    /// <param name="probabilities">Receives <c>queryRows.Length × buckets</c> probabilities, query by query.</param>
    public void Probabilities(
        ReadOnlySpan<float> epochs,
        ReadOnlySpan<float> values,
        ReadOnlySpan<float> observed,
        int count,
        int seq,
        ReadOnlySpan<long> queryRows,
        Span<float> probabilities)
    {
        int tokens = count * seq;
        int e = _embedding;
        int widest = Math.Max(3 * e, _hidden);
        var work = _workspace ??= new Workspace();
        var h = work.Get(0, tokens * e);
        var wide = work.Get(1, tokens * widest);
        var attended = work.Get(2, tokens * e);
        var narrow = work.Get(3, tokens * e);
        var scores = work.Get(4, seq);
        var queryHidden = work.Get(5, queryRows.Length * e);
        var queryWide = work.Get(6, queryRows.Length * _hidden);
        Embed(epochs, values, observed, tokens, h);
        foreach (var layer in _layers)
        {
            // Post-norm encoder layer: h = norm1(h + attention(h)); h = norm2(h + linear2(gelu(linear1(h)))).
            layer.InProjection.Apply(h, tokens, wide);
            Attend(wide, observed, count, seq, scores, attended);
            layer.OutProjection.Apply(attended, tokens, narrow);
            AddInPlace(h, narrow);
            LayerNorm(h, tokens, e, layer.Norm1Weight, layer.Norm1Bias);
            layer.Linear1.Apply(h, tokens, wide);
            Gelu(wide[..(tokens * _hidden)]);
            layer.Linear2.Apply(wide, tokens, narrow);
            AddInPlace(h, narrow);
            LayerNorm(h, tokens, e, layer.Norm2Weight, layer.Norm2Bias);
        }

        // Only the query rows go through the head, whose 1000-bucket projection costs as much as a layer.
        for (int q = 0; q < queryRows.Length; q++)
        {
            h.Slice(checked((int)queryRows[q]) * e, e).CopyTo(queryHidden.Slice(q * e, e));
        }

        _decoderHidden.Apply(queryHidden, queryRows.Length, queryWide);
        Gelu(queryWide);
        var logits = probabilities[..(queryRows.Length * _buckets)];
        _decoderOut.Apply(queryWide, queryRows.Length, logits);
        for (int q = 0; q < queryRows.Length; q++)
        {
            Softmax(logits.Slice(q * _buckets, _buckets));
        }
    }

    private void Embed(ReadOnlySpan<float> epochs, ReadOnlySpan<float> values, ReadOnlySpan<float> observed, int tokens, Span<float> h)
    {
        int e = _embedding;
        var xw = _xWeight;
        var xb = _xBias;
        var yw = _yWeight;
        var yb = _yBias;
        for (int t = 0; t < tokens; t++)
        {
            // The same float steps as the network's div/sub/div, so inputs round alike.
            float x = (float)((float)((float)(epochs[t] / (float)_epochScale) - 0.5f) / (float)UniformStd);
            float y = (float)((values[t] - 0.5f) / (float)UniformStd);
            float o = observed[t];
            var row = h.Slice(t * e, e);
            for (int i = 0; i < e; i++)
            {
                row[i] = ((xw[i] * x) + xb[i]) + (((yw[i] * y) + yb[i]) * o);
            }
        }
    }

    /// <summary>
    /// Multi-head attention over each curve's positions; key k is visible to position q when k is observed or k = q
    /// (<see cref="LcPfnTransformer.AttentionMask"/>). <paramref name="qkv"/> holds the packed in-projection.
    /// </summary>
    private void Attend(ReadOnlySpan<float> qkv, ReadOnlySpan<float> observed, int count, int seq, Span<float> scores, Span<float> output)
    {
        int e = _embedding;
        int size = e / _heads;
        float scale = 1f / MathF.Sqrt(size);
        int stride = 3 * e;
        for (int c = 0; c < count; c++)
        {
            int first = c * seq;
            for (int head = 0; head < _heads; head++)
            {
                int offset = head * size;
                for (int q = 0; q < seq; q++)
                {
                    var query = qkv.Slice(((first + q) * stride) + offset, size);
                    float max = float.NegativeInfinity;
                    for (int k = 0; k < seq; k++)
                    {
                        if (!(observed[first + k] > 0.5f || k == q))
                        {
                            scores[k] = float.NegativeInfinity;
                            continue;
                        }

                        float s = Dot(query, qkv.Slice(((first + k) * stride) + e + offset, size)) * scale;
                        scores[k] = s;
                        max = MathF.Max(max, s);
                    }

                    float total = 0;
                    for (int k = 0; k < seq; k++)
                    {
                        float w = float.IsNegativeInfinity(scores[k]) ? 0 : MathF.Exp(scores[k] - max);
                        scores[k] = w;
                        total += w;
                    }

                    var target = output.Slice(((first + q) * e) + offset, size);
                    target.Clear();
                    for (int k = 0; k < seq; k++)
                    {
                        if (scores[k] != 0)
                        {
                            AddScaled(target, qkv.Slice(((first + k) * stride) + (2 * e) + offset, size), scores[k] / total);
                        }
                    }
                }
            }
        }
    }

    private static void LayerNorm(Span<float> h, int tokens, int e, float[] weight, float[] bias)
    {
        for (int t = 0; t < tokens; t++)
        {
            var row = h.Slice(t * e, e);
            double sum = 0;
            foreach (float v in row)
            {
                sum += v;
            }

            double mean = sum / e;
            double squares = 0;
            foreach (float v in row)
            {
                double d = v - mean;
                squares += d * d;
            }

            float inverse = (float)(1.0 / Math.Sqrt((squares / e) + LayerNormEpsilon));
            float m = (float)mean;
            for (int i = 0; i < e; i++)
            {
                row[i] = ((row[i] - m) * inverse * weight[i]) + bias[i];
            }
        }
    }

    /// <summary>GELU, x · Φ(x), with libtorch's erf approximation (see the remarks).</summary>
    private static void Gelu(Span<float> values)
    {
        const float InverseSqrt2 = 0.70710678118654752f;
        for (int i = 0; i < values.Length; i++)
        {
            float x = values[i];
            values[i] = 0.5f * x * (1f + Erf(x * InverseSqrt2));
        }
    }

    private static float Erf(float x)
    {
        float a = MathF.Abs(x);
        float t = 1f / MathF.FusedMultiplyAdd(0.3275911f, a, 1f);
        float r = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(
            1.061405429f, t, -1.453152027f), t, 1.421413741f), t, -0.284496736f), t, 0.254829592f);
        float y = MathF.FusedMultiplyAdd(-MathF.Exp(-a * a) * t, r, 1f);
        return x < 0 ? -y : y;
    }

    private static void Softmax(Span<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits)
        {
            max = MathF.Max(max, v);
        }

        double total = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float w = MathF.Exp(logits[i] - max);
            logits[i] = w;
            total += w;
        }

        float inverse = (float)(1.0 / total);
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] *= inverse;
        }
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        int i = 0;
        for (; i + width <= a.Length; i += width)
        {
            sum = Vector.FusedMultiplyAdd(new Vector<float>(a[i..]), new Vector<float>(b[i..]), sum);
        }

        float total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    private static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float weight)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += weight * source[i];
        }
    }

    private static void AddInPlace(Span<float> target, ReadOnlySpan<float> source)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += source[i];
        }
    }

    private static float[] Copy(Tensor tensor) => tensor.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();

    /// <summary>
    /// A linear layer: its weights (out × in, as torch stores them) rounded to bfloat16 and packed two to a 32-bit word,
    /// and its float32 bias.
    /// </summary>
    /// <remarks>
    /// Packing: per row, each run of 2·w inputs (w = <see cref="Vector{T}.Count"/> floats) is w words whose low halves
    /// hold inputs k … k + w − 1 and whose high halves hold inputs k + w … k + 2w − 1. One vector load then yields two
    /// float vectors with one shift (low halves) and one mask (high halves), since a bfloat16 is a float32's upper half.
    /// The inputs after the last full run (none for the default model) are kept as rounded float32s.
    /// </remarks>
    private sealed class Dense
    {
        private const uint HighHalves = 0xFFFF0000u;

        private readonly AlignedFloats _packed;
        private readonly float[] _rest;
        private readonly int _packedInputs;
        private readonly float[] _bias;

        private Dense(float[] weights, float[] bias, int inputs, int outputs)
        {
            int width = Vector<float>.Count;
            Inputs = inputs;
            Outputs = outputs;
            _bias = bias;
            _packedInputs = inputs - (inputs % (2 * width));
            int restInputs = inputs - _packedInputs;
            // Stored as floats for the alignment; read as the words they are.
            _packed = new AlignedFloats(Math.Max(1, outputs * _packedInputs / 2));
            var words = MemoryMarshal.Cast<float, uint>(_packed.Span);
            _rest = new float[outputs * restInputs];
            for (int j = 0; j < outputs; j++)
            {
                var row = weights.AsSpan(j * inputs, inputs);
                for (int k = 0; k < _packedInputs; k += 2 * width)
                {
                    int word = ((j * _packedInputs) + k) / 2;
                    for (int l = 0; l < width; l++)
                    {
                        words[word + l] = Bfloat16.Bits(row[k + l]) | ((uint)Bfloat16.Bits(row[k + width + l]) << 16);
                    }
                }

                for (int k = _packedInputs; k < inputs; k++)
                {
                    _rest[(j * restInputs) + k - _packedInputs] = Bfloat16.Round(row[k]);
                }
            }
        }

        public int Inputs { get; }

        public int Outputs { get; }

        public static Dense From(Dictionary<string, Tensor> parameters, string name)
        {
            var weight = parameters[name + ".weight"];
            return new Dense(Copy(weight), Copy(parameters[name + ".bias"]), (int)weight.shape[1], (int)weight.shape[0]);
        }

        /// <summary>y[t, j] = Σ_k W[j, k] · x[t, k] + b[j] for <paramref name="tokens"/> rows of x.</summary>
        public void Apply(ReadOnlySpan<float> x, int tokens, Span<float> y)
        {
            int n = Inputs;
            int m = Outputs;
            int width = Vector<float>.Count;
            int packedEnd = _packedInputs;
            int words = packedEnd / 2;
            int restInputs = n - packedEnd;
            var high = new Vector<uint>(HighHalves);
            ref uint p0 = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(_packed.Span));
            ref float r0 = ref MemoryMarshal.GetArrayDataReference(_rest);
            ref float x0 = ref MemoryMarshal.GetReference(x);
            // Four positions per pass over the weights: each weight vector is loaded once and used four times. A last
            // group of one to three positions repeats its last position in the unused lanes (computed, not stored)
            // rather than reading the weights again for each.
            // Rows in blocks of about 16 kB, each block multiplied with every position before the next: the weights
            // stream from memory once per pass, and a block is reused from the L1 cache for every group of positions.
            int blockRows = Math.Max(2, (16 * 1024 / sizeof(uint) / Math.Max(1, words)) & ~1);
            for (int rowStart = 0; rowStart < m; rowStart += blockRows)
            {
            int rowEnd = Math.Min(m, rowStart + blockRows);
            for (int t = 0; t < tokens; t += 4)
            {
                int last = Math.Min(t + 3, tokens - 1);
                ref float xa = ref Unsafe.Add(ref x0, t * n);
                ref float xb = ref Unsafe.Add(ref x0, Math.Min(t + 1, last) * n);
                ref float xc = ref Unsafe.Add(ref x0, Math.Min(t + 2, last) * n);
                ref float xd = ref Unsafe.Add(ref x0, last * n);
                int j = rowStart;
                // Two weight rows at a time as well: eight independent accumulators keep both FMA pipes busy.
                for (; j + 2 <= rowEnd; j += 2)
                {
                    ref uint pr = ref Unsafe.Add(ref p0, j * words);
                    ref uint ps = ref Unsafe.Add(ref pr, words);
                    var a = Vector<float>.Zero;
                    var b = Vector<float>.Zero;
                    var c = Vector<float>.Zero;
                    var d = Vector<float>.Zero;
                    var a2 = Vector<float>.Zero;
                    var b2 = Vector<float>.Zero;
                    var c2 = Vector<float>.Zero;
                    var d2 = Vector<float>.Zero;
                    int k = 0;
                    // The words' low halves (inputs k …), then their high halves (inputs k + width …): written out twice,
                    // not looped or called, so that the eight accumulators stay in registers.
                    for (; k < packedEnd; k += 2 * width)
                    {
                        var packedR = Vector.LoadUnsafe(ref pr, (nuint)(k / 2));
                        var packedS = Vector.LoadUnsafe(ref ps, (nuint)(k / 2));
                        var wv = Vector.AsVectorSingle(Vector.ShiftLeft(packedR, 16));
                        var wv2 = Vector.AsVectorSingle(Vector.ShiftLeft(packedS, 16));
                        var va = Vector.LoadUnsafe(ref xa, (nuint)k);
                        var vb = Vector.LoadUnsafe(ref xb, (nuint)k);
                        var vc = Vector.LoadUnsafe(ref xc, (nuint)k);
                        var vd = Vector.LoadUnsafe(ref xd, (nuint)k);
                        a = Vector.FusedMultiplyAdd(wv, va, a);
                        b = Vector.FusedMultiplyAdd(wv, vb, b);
                        c = Vector.FusedMultiplyAdd(wv, vc, c);
                        d = Vector.FusedMultiplyAdd(wv, vd, d);
                        a2 = Vector.FusedMultiplyAdd(wv2, va, a2);
                        b2 = Vector.FusedMultiplyAdd(wv2, vb, b2);
                        c2 = Vector.FusedMultiplyAdd(wv2, vc, c2);
                        d2 = Vector.FusedMultiplyAdd(wv2, vd, d2);
                        wv = Vector.AsVectorSingle(packedR & high);
                        wv2 = Vector.AsVectorSingle(packedS & high);
                        va = Vector.LoadUnsafe(ref xa, (nuint)(k + width));
                        vb = Vector.LoadUnsafe(ref xb, (nuint)(k + width));
                        vc = Vector.LoadUnsafe(ref xc, (nuint)(k + width));
                        vd = Vector.LoadUnsafe(ref xd, (nuint)(k + width));
                        a = Vector.FusedMultiplyAdd(wv, va, a);
                        b = Vector.FusedMultiplyAdd(wv, vb, b);
                        c = Vector.FusedMultiplyAdd(wv, vc, c);
                        d = Vector.FusedMultiplyAdd(wv, vd, d);
                        a2 = Vector.FusedMultiplyAdd(wv2, va, a2);
                        b2 = Vector.FusedMultiplyAdd(wv2, vb, b2);
                        c2 = Vector.FusedMultiplyAdd(wv2, vc, c2);
                        d2 = Vector.FusedMultiplyAdd(wv2, vd, d2);
                    }

                    float sa = Vector.Sum(a), sb = Vector.Sum(b), sc = Vector.Sum(c), sd = Vector.Sum(d);
                    float ta = Vector.Sum(a2), tb = Vector.Sum(b2), tc = Vector.Sum(c2), td = Vector.Sum(d2);
                    ref float wr = ref Unsafe.Add(ref r0, j * restInputs);
                    ref float ws = ref Unsafe.Add(ref wr, restInputs);
                    for (int i = 0; i < restInputs; i++)
                    {
                        float wk = Unsafe.Add(ref wr, i);
                        float wk2 = Unsafe.Add(ref ws, i);
                        k = packedEnd + i;
                        float ka = Unsafe.Add(ref xa, k), kb = Unsafe.Add(ref xb, k), kc = Unsafe.Add(ref xc, k), kd = Unsafe.Add(ref xd, k);
                        sa += wk * ka;
                        sb += wk * kb;
                        sc += wk * kc;
                        sd += wk * kd;
                        ta += wk2 * ka;
                        tb += wk2 * kb;
                        tc += wk2 * kc;
                        td += wk2 * kd;
                    }

                    Store(y, t, last, m, j, sa, sb, sc, sd);
                    Store(y, t, last, m, j + 1, ta, tb, tc, td);
                }

                for (; j < rowEnd; j++)
                {
                    ref uint pr = ref Unsafe.Add(ref p0, j * words);
                    var a = Vector<float>.Zero;
                    var b = Vector<float>.Zero;
                    var c = Vector<float>.Zero;
                    var d = Vector<float>.Zero;
                    int k = 0;
                    for (; k < packedEnd; k += 2 * width)
                    {
                        var packed = Vector.LoadUnsafe(ref pr, (nuint)(k / 2));
                        var wv = Vector.AsVectorSingle(Vector.ShiftLeft(packed, 16));
                        a = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref xa, (nuint)k), a);
                        b = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref xb, (nuint)k), b);
                        c = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref xc, (nuint)k), c);
                        d = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref xd, (nuint)k), d);
                        wv = Vector.AsVectorSingle(packed & high);
                        a = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref xa, (nuint)(k + width)), a);
                        b = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref xb, (nuint)(k + width)), b);
                        c = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref xc, (nuint)(k + width)), c);
                        d = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref xd, (nuint)(k + width)), d);
                    }

                    float sa = Vector.Sum(a), sb = Vector.Sum(b), sc = Vector.Sum(c), sd = Vector.Sum(d);
                    ref float wr = ref Unsafe.Add(ref r0, j * restInputs);
                    for (int i = 0; i < restInputs; i++)
                    {
                        float wk = Unsafe.Add(ref wr, i);
                        k = packedEnd + i;
                        sa += wk * Unsafe.Add(ref xa, k);
                        sb += wk * Unsafe.Add(ref xb, k);
                        sc += wk * Unsafe.Add(ref xc, k);
                        sd += wk * Unsafe.Add(ref xd, k);
                    }

                    Store(y, t, last, m, j, sa, sb, sc, sd);
                }
            }
            }
        }

        private void Store(Span<float> y, int t, int last, int m, int j, float sa, float sb, float sc, float sd)
        {
            float bias = _bias[j];
            y[(t * m) + j] = sa + bias;
            if (t + 1 <= last)
            {
                y[((t + 1) * m) + j] = sb + bias;
            }

            if (t + 2 <= last)
            {
                y[((t + 2) * m) + j] = sc + bias;
            }

            if (t + 3 <= last)
            {
                y[((t + 3) * m) + j] = sd + bias;
            }
        }
    }

    /// <summary>
    /// Floats starting on a 64-byte boundary. A 32-byte vector load that straddles two cache lines costs about twice
    /// as much, and an ordinary array starts wherever the allocator put it: the same build ran a decision in 0.9 or in
    /// 1.6 ms from one process to the next until the weights and the scratch space were aligned.
    /// </summary>
    private sealed class AlignedFloats
    {
        private const int Alignment = 64;
        private readonly float[] _array;
        private readonly int _offset;

        public AlignedFloats(int length)
        {
            // Pinned (the pinned object heap), so the address checked here is the address for good.
            _array = GC.AllocateArray<float>(length + (Alignment / sizeof(float)), pinned: true);
            var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
            try
            {
                long address = handle.AddrOfPinnedObject();
                _offset = (int)((Alignment - (address % Alignment)) % Alignment) / sizeof(float);
            }
            finally
            {
                handle.Free();
            }

            Length = length;
        }

        public int Length { get; }

        public Span<float> Span => _array.AsSpan(_offset, Length);

        public static AlignedFloats From(float[] values)
        {
            var aligned = new AlignedFloats(values.Length);
            values.CopyTo(aligned.Span);
            return aligned;
        }
    }

    /// <summary>A thread's aligned scratch buffers, grown on demand.</summary>
    private sealed class Workspace
    {
        private readonly AlignedFloats?[] _buffers = new AlignedFloats?[7];

        public Span<float> Get(int slot, int length)
        {
            var buffer = _buffers[slot];
            if (buffer is null || buffer.Length < length)
            {
                // Round up so a curve or two more next time does not allocate again.
                buffer = new AlignedFloats(Math.Max(length, 1024) * 2);
                _buffers[slot] = buffer;
            }

            return buffer.Span[..length];
        }
    }

    private sealed record Layer(
        Dense InProjection,
        Dense OutProjection,
        Dense Linear1,
        Dense Linear2,
        float[] Norm1Weight,
        float[] Norm1Bias,
        float[] Norm2Weight,
        float[] Norm2Bias);
}
