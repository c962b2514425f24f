using Hpo.LcPfn.Inference;

namespace Hpo.LcPfn.Tests.Inference;

public sealed class Bfloat16Tests
{
    [Theory]
    [InlineData(1f)]
    [InlineData(-0.5f)]
    [InlineData(0f)]
    [InlineData(3.140625f)] // 8 significant bits
    public void Round_ValueWithEightSignificantBits_Unchanged(float value)
    {
        Assert.Equal(value, Bfloat16.Round(value));
    }

    [Fact]
    public void Round_HalfwayBetweenTwoBfloat16s_TiesToTheEvenOne()
    {
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 (the next bfloat16): the even one is 1.
        Assert.Equal(1f, Bfloat16.Round(1f + MathF.Pow(2, -8)));
        // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
        Assert.Equal(1f + MathF.Pow(2, -6), Bfloat16.Round(1f + (3 * MathF.Pow(2, -8))));
    }

    [Fact]
    public void Round_RandomWeights_RelativeErrorAtMostHalfAUnitInTheEighthBit()
    {
        var random = new Random(7);
        for (int i = 0; i < 100_000; i++)
        {
            float value = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 3)));
            float rounded = Bfloat16.Round(value);

            Assert.Equal(0u, BitConverter.SingleToUInt32Bits(rounded) & 0xFFFFu);
            Assert.True(Math.Abs(rounded - value) <= Math.Abs(value) * Math.Pow(2, -8), $"{value:R} rounded to {rounded:R}");
        }
    }

    [Fact]
    public void Round_NaN_StaysNaN()
    {
        Assert.True(float.IsNaN(Bfloat16.Round(float.NaN)));
        Assert.True(float.IsNaN(Bfloat16.Round(BitConverter.UInt32BitsToSingle(0x7F80FFFFu))));
    }
}
