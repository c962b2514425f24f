namespace Hpo.LcPfn.Inference;

/// <summary>
/// bfloat16: a float32's sign, exponent and top 7 mantissa bits (8 significant bits), i.e. its upper 16 bits. The
/// predictor serves every weight matrix rounded to it (<see cref="Models.LcPfnModel.WithBfloat16Weights"/>).
/// </summary>
/// <remarks>
/// Why: a stopping decision's forward pass is bound by reading the weights (9 MB in float32 for the default model); with
/// half the bytes the managed pass fell from 27 % to 18 % of a fleet's CPU and a fleet decision's p50 from 3.5–4.7 to 2.7–3.1 ms
/// (BENCHMARKS §4b). Activations, biases and layer norms stay
/// float32, and a bfloat16 is a float32 with its low 16 bits zero, so libtorch and the managed kernel compute with the
/// very same weight values and still agree to float32 rounding. Measured on the default model: the held-out
/// log-likelihood moves by at most 2e-4 (models/README.md).
/// </remarks>
internal static class Bfloat16
{
    /// <summary>The upper 16 bits of <paramref name="value"/> rounded to nearest, ties to even.</summary>
    public static ushort Bits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            // Keep a NaN a NaN (rounding could carry its payload into the exponent).
            return (ushort)((bits >> 16) | 0x40);
        }

        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)(bits >> 16);
    }

    /// <summary><paramref name="value"/> rounded to the nearest bfloat16, as a float32.</summary>
    public static float Round(float value) => BitConverter.UInt32BitsToSingle((uint)Bits(value) << 16);

    /// <summary>Rounds every value in place.</summary>
    public static void Round(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Round(values[i]);
        }
    }
}
