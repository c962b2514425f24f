using Hpo.LcPfn.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hpo.LcPfn.Model;

/// <summary>
/// The LC-PFN network (spec §2). Input is a set of positions, each an epoch x and, when observed, its
/// value y; there is no positional encoding. Observed positions attend to all observed positions; every
/// other position attends to the observed ones and to itself only, so a query's prediction is
/// independent of which other queries share the pass. <see cref="Decode"/> maps hidden states to
/// logits over the bar distribution's buckets.
/// </summary>
public sealed class LcPfnTransformer : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private static readonly double UniformStd = Math.Sqrt(1.0 / 12.0);

    // Submodule field names become the state-dict keys stored in model files; they mirror PyTorch's
    // (self_attn, linear1, norm1, …) so the tensors read like the reference implementation's.
    private readonly Linear x_encoder;
    private readonly Linear y_encoder;
    private readonly ModuleList<EncoderLayer> layers;
    private readonly Sequential decoder;
    private readonly double _epochScale;

    /// <summary>Creates a freshly initialised network of the given size (uses torch's global RNG).</summary>
    /// <param name="architecture">The network size; validated.</param>
    /// <param name="dropout">Dropout rate used in training mode (spec: 0.2; spec §7's fast recipe: 0). Inference uses none.</param>
    public LcPfnTransformer(LcPfnArchitecture architecture, double dropout = 0.0) : base(nameof(LcPfnTransformer))
    {
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate();
        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
        }

        Architecture = architecture;
        _epochScale = architecture.MaxEpochs + 1;
        int e = architecture.EmbeddingSize;
        x_encoder = nn.Linear(1, e);
        y_encoder = nn.Linear(1, e);
        layers = nn.ModuleList(Enumerable.Range(0, architecture.Layers)
            .Select(_ => new EncoderLayer(e, architecture.Heads, architecture.Hidden, dropout)).ToArray());
        decoder = nn.Sequential(
            ("0", nn.Linear(e, architecture.Hidden)),
            ("1", nn.GELU()),
            ("2", nn.Linear(architecture.Hidden, architecture.Buckets)));
        RegisterComponents();

        using var noGrad = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            // torch.nn.MultiheadAttention's initialisation of its packed in-projection.
            if (name.EndsWith("in_proj.weight", StringComparison.Ordinal))
            {
                nn.init.xavier_uniform_(p);
            }
            else if (name.EndsWith("in_proj.bias", StringComparison.Ordinal))
            {
                p.zero_();
            }
        }

        foreach (var layer in layers)
        {
            layer.ZeroResidualBranches();
        }
    }

    /// <summary>The network's size.</summary>
    public LcPfnArchitecture Architecture { get; }

    /// <summary>Encodes a batch of position sets into hidden states.</summary>
    /// <param name="epochs">(batch, seq): the epoch x of every position (1-based, as float).</param>
    /// <param name="values">(batch, seq): the value y where observed; ignored elsewhere.</param>
    /// <param name="observed">(batch, seq) or (1, seq): 1 where y is observed, 0 for query or padding positions.</param>
    /// <returns>(batch, seq, emsize) hidden states.</returns>
    public override Tensor forward(Tensor epochs, Tensor values, Tensor observed)
    {
        using var scope = NewDisposeScope();
        // No implicit double → Scalar conversions and no `+` on tensors here: see TorchScalars.
        using var epochScale = _epochScale.ToScalar();
        using var std = UniformStd.ToScalar();
        var xs = epochs.div(epochScale).sub(TorchScalars.Half).div(std);
        var ys = values.sub(TorchScalars.Half).div(std);
        var observedColumn = observed.unsqueeze(-1);
        // Masking the embedding (not just y) keeps unobserved positions independent of whatever
        // placeholder value their y holds.
        var h = x_encoder.forward(xs.unsqueeze(-1)).add(y_encoder.forward(ys.unsqueeze(-1)).mul(observedColumn), TorchScalars.One);
        var mask = AttentionMask(observed, epochs.shape[1]);
        foreach (var layer in layers)
        {
            h = layer.forward(h, mask);
        }

        return h.MoveToOuterDisposeScope();
    }

    /// <summary>Logits over the buckets for hidden states (…, emsize) → (…, buckets).</summary>
    public Tensor Decode(Tensor hidden) => decoder.forward(hidden);

    /// <summary>
    /// The additive attention mask for <paramref name="observed"/> (batch or 1, seq): key k is visible to
    /// query position q when k is observed or k = q. Shape (batch or 1, 1, seq, seq).
    /// </summary>
    internal static Tensor AttentionMask(Tensor observed, long seq)
    {
        using var scope = NewDisposeScope();
        var keys = observed.gt(TorchScalars.Half).unsqueeze(1);
        var self = eye(seq, dtype: ScalarType.Bool, device: observed.device).unsqueeze(0);
        var allowed = keys.logical_or(self);
        var mask = zeros(allowed.shape, dtype: observed.dtype, device: observed.device)
            .masked_fill(allowed.logical_not(), TorchScalars.MinusInfinity);
        return mask.unsqueeze(1).MoveToOuterDisposeScope();
    }
}
