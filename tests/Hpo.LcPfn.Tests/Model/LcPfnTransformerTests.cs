using Hpo.LcPfn.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Tests.Model;

[Collection(TorchCollection.Name)]
public sealed class LcPfnTransformerTests
{
    private static float[] Logits(LcPfnTransformer net, float[] epochs, float[] values, float[] observed, int queryStart)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int seq = epochs.Length;
        var h = net.forward(tensor(epochs, [1, seq]), tensor(values, [1, seq]), tensor(observed, [1, seq]));
        return net.Decode(h.narrow(1, queryStart, seq - queryStart)).data<float>().ToArray();
    }

    [Fact]
    public void Forward_AddingOtherQueryEpochs_DoesNotChangeAQuerysPrediction()
    {
        using var model = TinyModels.RandomModel();
        int buckets = model.Architecture.Buckets;
        float[] obsEpochs = [1, 2, 3, 4];
        float[] obsValues = [0.3f, 0.42f, 0.5f, 0.55f];

        var alone = Logits(model.Network, [.. obsEpochs, 12], [.. obsValues, 0], [1, 1, 1, 1, 0], 4);
        var withOthers = Logits(model.Network, [.. obsEpochs, 7, 12, 20, 5], [.. obsValues, 0.9f, 0.1f, 0.7f, 0.2f], [1, 1, 1, 1, 0, 0, 0, 0, 0], 4);

        var sameQuery = withOthers.AsSpan(buckets, buckets).ToArray();
        Assert.Equal(alone.Length, sameQuery.Length);
        for (int i = 0; i < buckets; i++)
        {
            Assert.Equal(alone[i], sameQuery[i], 1e-5f);
        }
    }

    [Fact]
    public void Forward_ChangingAnObservedValue_ChangesThePrediction()
    {
        using var model = TinyModels.RandomModel();
        var a = Logits(model.Network, [1, 2, 3, 10], [0.3f, 0.4f, 0.5f, 0], [1, 1, 1, 0], 3);
        var b = Logits(model.Network, [1, 2, 3, 10], [0.3f, 0.4f, 0.8f, 0], [1, 1, 1, 0], 3);

        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    [Fact]
    public void Forward_QueryPlaceholderValue_IsIgnored()
    {
        using var model = TinyModels.RandomModel();
        var a = Logits(model.Network, [1, 2, 10], [0.3f, 0.4f, 0], [1, 1, 0], 2);
        var b = Logits(model.Network, [1, 2, 10], [0.3f, 0.4f, 0.99f], [1, 1, 0], 2);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Constructor_ResidualBranches_StartAtZero()
    {
        manual_seed(3);
        using var net = new LcPfnTransformer(TinyModels.Architecture());
        var zeroed = net.named_parameters()
            .Where(p => p.name.Contains("out_proj", StringComparison.Ordinal) || p.name.Contains("linear2", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(4 * TinyModels.Architecture().Layers, zeroed.Count);
        Assert.All(zeroed, p => Assert.Equal(0f, p.parameter.abs().max().item<float>()));
    }

    [Fact]
    public void AttentionMask_ObservedAndSelf_AreTheOnlyVisibleKeys()
    {
        using var observed = tensor(new float[] { 1, 1, 0, 0, 0 }, [1, 5]);
        using var mask = LcPfnTransformer.AttentionMask(observed, 5);
        var m = mask.reshape(5, 5).data<float>().ToArray();

        for (int q = 0; q < 5; q++)
        {
            for (int k = 0; k < 5; k++)
            {
                bool visible = k < 2 || k == q;
                Assert.Equal(visible ? 0f : float.NegativeInfinity, m[q * 5 + k]);
            }
        }
    }

    [Theory]
    [InlineData(0, 1, 1, 10, "embedding size")]
    [InlineData(32, 0, 1, 10, "layers")]
    [InlineData(30, 1, 4, 10, "multiple of the number of heads")]
    [InlineData(32, 1, 1, 1, "buckets")]
    public void Validate_BadSizes_ThrowNamingTheSize(int emsize, int layers, int heads, int buckets, string expected)
    {
        var a = new LcPfnArchitecture { EmbeddingSize = emsize, Layers = layers, Heads = heads, Buckets = buckets };
        var ex = Assert.Throws<ArgumentException>(a.Validate);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
