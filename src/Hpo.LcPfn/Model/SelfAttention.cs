using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Model;

/// <summary>Multi-head self-attention with an additive mask, as in torch.nn.MultiheadAttention (packed in-projection).</summary>
internal sealed class SelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    // Submodule field names become the state-dict keys stored in model files; they mirror PyTorch's
    // (self_attn, linear1, norm1, …) so the tensors read like the reference implementation's.
    private readonly Linear in_proj;
    private readonly Linear out_proj;
    private readonly int _heads;
    private readonly double _dropout;

    public SelfAttention(int embeddingSize, int heads, double dropout) : base(nameof(SelfAttention))
    {
        _heads = heads;
        _dropout = dropout;
        in_proj = nn.Linear(embeddingSize, 3 * embeddingSize);
        out_proj = nn.Linear(embeddingSize, embeddingSize);
        RegisterComponents();
    }

    /// <summary>The output projection, zeroed at initialisation (spec §2: every layer starts as the identity).</summary>
    public Linear OutputProjection => out_proj;

    /// <param name="x">(batch, seq, emsize).</param>
    /// <param name="mask">Additive mask broadcastable to (batch, heads, seq, seq): 0 = may attend, −∞ = may not.</param>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        long b = x.shape[0];
        long s = x.shape[1];
        long e = x.shape[2];
        long headSize = e / _heads;
        var qkv = in_proj.forward(x).view(b, s, 3, _heads, headSize).permute(2, 0, 3, 1, 4);
        var q = qkv[0];
        var k = qkv[1];
        var v = qkv[2];
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, mask, training ? _dropout : 0.0);
        return out_proj.forward(attended.transpose(1, 2).reshape(b, s, e));
    }
}
