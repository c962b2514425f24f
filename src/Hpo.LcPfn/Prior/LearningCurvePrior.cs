namespace Hpo.LcPfn.Prior;

/// <summary>
/// The LC-PFN prior over learning curves (spec §1): a weighted sum of pow3, ilog2 and janoschek with
/// i.i.d. Gaussian observation noise, redrawn until the noise-free curve is increasing overall
/// (y(T) &gt; y(1)), stays inside [0, 1] and has no NaN. Stateless and thread-safe: curve
/// <c>index</c> of <c>(seed, stream)</c> is always the same curve.
/// </summary>
public sealed class LearningCurvePrior
{
    /// <summary>The curve length the published LC-PFN models are trained on.</summary>
    public const int DefaultLength = 100;

    // A draw is rejected far less than once in a thousand times in practice; this cap only guards
    // against an infinite loop should the distributions ever be edited into an impossible region.
    private const int MaxAttempts = 1_000_000;

    /// <summary>
    /// Creates the prior for curves of <paramref name="length"/> epochs. <paramref name="noiseScale"/>
    /// multiplies every curve's observation-noise σ (1 is the prior models are trained on; larger values
    /// make the noisier curves of a robustness evaluation).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is below 2, or <paramref name="noiseScale"/> is not positive and finite.</exception>
    public LearningCurvePrior(int length = DefaultLength, double noiseScale = 1.0)
    {
        if (length < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A learning curve needs at least 2 epochs (the rejection rule compares y(T) with y(1)).");
        }

        if (!double.IsFinite(noiseScale) || noiseScale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(noiseScale), noiseScale, "The noise scale multiplies σ and must be positive and finite.");
        }

        Length = length;
        NoiseScale = noiseScale;
    }

    /// <summary>The factor applied to every curve's observation-noise σ; 1 for the prior itself.</summary>
    public double NoiseScale { get; }

    /// <summary>A one-line description of the prior, stored in model files.</summary>
    public static string Description(int length) =>
        $"LC-PFN prior: w1·pow3 + w2·ilog2 + w3·janoschek (peaked parameters), ln σ ~ N(−4, 1), T = {length}, reject unless y(T) > y(1) and y in [0, 1]";

    /// <summary>Number of epochs T of every sampled curve.</summary>
    public int Length { get; }

    /// <summary>
    /// Samples curve <paramref name="index"/> of (<paramref name="seed"/>, <paramref name="stream"/>):
    /// writes the noisy observations to <paramref name="noisy"/> and, when not empty, the noise-free
    /// values to <paramref name="clean"/> (each <see cref="Length"/> long).
    /// </summary>
    /// <returns>The accepted parameters.</returns>
    public PriorCurveParameters Sample(ulong seed, PriorStream stream, long index, Span<float> noisy, Span<float> clean = default)
    {
        if (noisy.Length < Length)
        {
            throw new ArgumentException($"The output span holds {noisy.Length} values but a curve has {Length}.", nameof(noisy));
        }

        if (!clean.IsEmpty && clean.Length < Length)
        {
            throw new ArgumentException($"The clean-curve span holds {clean.Length} values but a curve has {Length}.", nameof(clean));
        }

        var rng = new SeededRandom(seed, (ulong)stream, (ulong)index);
        Span<double> y = Length <= 1024 ? stackalloc double[Length] : new double[Length];
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var p = PriorCurveParameters.Draw(ref rng);
            if (!TryEvaluate(p, y))
            {
                continue;
            }

            for (int i = 0; i < Length; i++)
            {
                // The same draws at every scale, so noisier curves are the same curves with the same noise, amplified.
                noisy[i] = (float)(y[i] + NoiseScale * p.NoiseSigma * rng.NextNormal());
                if (!clean.IsEmpty)
                {
                    clean[i] = (float)y[i];
                }
            }

            return p;
        }

        throw new InvalidOperationException($"The prior rejected {MaxAttempts} draws in a row; its parameter distributions cannot produce a valid curve.");
    }

    /// <summary>
    /// Samples <paramref name="count"/> consecutive curves starting at <paramref name="firstIndex"/> into
    /// <paramref name="noisy"/> (row-major, <c>count × Length</c>), on up to <paramref name="maxThreads"/> threads.
    /// The result does not depend on the thread count.
    /// </summary>
    public void SampleMany(ulong seed, PriorStream stream, long firstIndex, int count, Span<float> noisy, Span<float> clean = default, int maxThreads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (noisy.Length < count * Length)
        {
            throw new ArgumentException($"The output span holds {noisy.Length} values but {count} curves need {count * Length}.", nameof(noisy));
        }

        if (!clean.IsEmpty && clean.Length < count * Length)
        {
            throw new ArgumentException($"The clean-curve span holds {clean.Length} values but {count} curves need {count * Length}.", nameof(clean));
        }

        if (maxThreads == 1 || count < 64)
        {
            for (int i = 0; i < count; i++)
            {
                Sample(seed, stream, firstIndex + i, noisy.Slice(i * Length, Length), clean.IsEmpty ? default : clean.Slice(i * Length, Length));
            }

            return;
        }

        // Spans cannot be captured by the parallel body, so sample into arrays and copy once.
        float[] noisyBuffer = new float[count * Length];
        float[]? cleanBuffer = clean.IsEmpty ? null : new float[count * Length];
        int length = Length;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, i =>
            Sample(seed, stream, firstIndex + i, noisyBuffer.AsSpan(i * length, length), cleanBuffer is null ? default : cleanBuffer.AsSpan(i * length, length)));
        noisyBuffer.CopyTo(noisy);
        cleanBuffer?.CopyTo(clean);
    }

    /// <summary>
    /// Evaluates the noise-free curve into <paramref name="y"/> and applies the rejection rules.
    /// The endpoints are checked first because y(T) ≤ y(1) rejects most failing draws cheaply.
    /// </summary>
    internal bool TryEvaluate(in PriorCurveParameters p, Span<double> y)
    {
        double first = p.Evaluate(1);
        double last = p.Evaluate(Length);
        if (!(last > first) || !InUnitInterval(first) || !InUnitInterval(last))
        {
            return false;
        }

        y[0] = first;
        y[Length - 1] = last;
        for (int i = 1; i < Length - 1; i++)
        {
            double v = p.Evaluate(i + 1);
            if (!InUnitInterval(v))
            {
                return false;
            }

            y[i] = v;
        }

        return true;
    }

    // NaN fails both comparisons, so this also rejects NaN.
    private static bool InUnitInterval(double v) => v >= 0 && v <= 1;
}
