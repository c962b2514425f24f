namespace Hpo.LcPfn.Model;

/// <summary>
/// The size of an LC-PFN network (spec §2). Defaults are the configuration of spec §7 that trains to
/// paper-P1 quality in about an hour on two CPU cores: emsize 128, 3 layers, 1 head, hidden 256,
/// 1000 buckets, curves of 100 epochs.
/// </summary>
public sealed record LcPfnArchitecture
{
    /// <summary>Embedding size (spec: emsize). Default 128. Must be a positive multiple of <see cref="Heads"/>.</summary>
    public int EmbeddingSize { get; init; } = 128;

    /// <summary>Number of post-norm encoder layers. Default 3.</summary>
    public int Layers { get; init; } = 3;

    /// <summary>Attention heads. Default 1 (the spec's emsize/128 for emsize 128).</summary>
    public int Heads { get; init; } = 1;

    /// <summary>Feed-forward and output-head hidden size (spec: nhid = 2·emsize). Default 256.</summary>
    public int Hidden { get; init; } = 256;

    /// <summary>Number of buckets of the output bar distribution. Default 1000.</summary>
    public int Buckets { get; init; } = 1000;

    /// <summary>The curve length T the model is trained on; epochs 1..T can be queried. Default 100.</summary>
    public int MaxEpochs { get; init; } = 100;

    /// <summary>The spec's sizes for an embedding size: heads = max(1, emsize/128), hidden = 2·emsize.</summary>
    public static LcPfnArchitecture ForEmbeddingSize(int embeddingSize, int layers, int buckets = 1000) => new()
    {
        EmbeddingSize = embeddingSize,
        Layers = layers,
        Heads = Math.Max(1, embeddingSize / 128),
        Hidden = 2 * embeddingSize,
        Buckets = buckets,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid size.</summary>
    public void Validate()
    {
        Require(EmbeddingSize >= 1, $"The embedding size must be at least 1; got {EmbeddingSize}.");
        Require(Layers >= 1, $"The number of layers must be at least 1; got {Layers}.");
        Require(Heads >= 1, $"The number of attention heads must be at least 1; got {Heads}.");
        Require(EmbeddingSize % Heads == 0, $"The embedding size ({EmbeddingSize}) must be a multiple of the number of heads ({Heads}).");
        Require(Hidden >= 1, $"The hidden size must be at least 1; got {Hidden}.");
        Require(Buckets >= 2, $"The number of buckets must be at least 2; got {Buckets}.");
        Require(MaxEpochs >= 2, $"The curve length must be at least 2 epochs; got {MaxEpochs}.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
