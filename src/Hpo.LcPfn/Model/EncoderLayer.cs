using Hpo.LcPfn.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Model;

/// <summary>A post-norm Transformer encoder layer with GELU (torch.nn.TransformerEncoderLayer, norm_first=false).</summary>
internal sealed class EncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    // Submodule field names become the state-dict keys stored in model files; they mirror PyTorch's
    // (self_attn, linear1, norm1, …) so the tensors read like the reference implementation's.
    private readonly SelfAttention self_attn;
    private readonly Linear linear1;
    private readonly Linear linear2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly Dropout dropout;
    private readonly Dropout dropout1;
    private readonly Dropout dropout2;

    public EncoderLayer(int embeddingSize, int heads, int hidden, double dropoutRate) : base(nameof(EncoderLayer))
    {
        self_attn = new SelfAttention(embeddingSize, heads, dropoutRate);
        linear1 = nn.Linear(embeddingSize, hidden);
        linear2 = nn.Linear(hidden, embeddingSize);
        norm1 = nn.LayerNorm(embeddingSize);
        norm2 = nn.LayerNorm(embeddingSize);
        dropout = nn.Dropout(dropoutRate);
        dropout1 = nn.Dropout(dropoutRate);
        dropout2 = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    /// <summary>Zeroes the attention output projection and the second feed-forward linear (spec §2).</summary>
    public void ZeroResidualBranches()
    {
        using var noGrad = no_grad();
        self_attn.OutputProjection.weight!.zero_();
        self_attn.OutputProjection.bias!.zero_();
        linear2.weight!.zero_();
        linear2.bias!.zero_();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        // add(…, One) rather than `+`: see TorchScalars.
        var h = norm1.forward(x.add(dropout1.forward(self_attn.forward(x, mask)), TorchScalars.One));
        var ff = linear2.forward(dropout.forward(nn.functional.gelu(linear1.forward(h))));
        return norm2.forward(h.add(dropout2.forward(ff), TorchScalars.One));
    }
}
