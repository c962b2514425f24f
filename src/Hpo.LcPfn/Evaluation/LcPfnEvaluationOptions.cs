namespace Hpo.LcPfn.Evaluation;

/// <summary>
/// How to evaluate a model on held-out prior curves. Defaults follow the paper's protocol as used in
/// spec §7: 2,000 curves, cut-offs at 10, 20, 40 and 80 observed epochs.
/// </summary>
public sealed record LcPfnEvaluationOptions
{
    /// <summary>Held-out prior curves. Default 2,000.</summary>
    public int Curves { get; init; } = 2_000;

    /// <summary>Seed of the held-out curves (drawn from their own stream, never seen in training). Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Observed epochs before the predicted remainder; each in 1..T−1. Default 10, 20, 40, 80.</summary>
    public IReadOnlyList<int> Cutoffs { get; init; } = [10, 20, 40, 80];

    /// <summary>Curves per forward pass. Default 250.</summary>
    public int BatchSize { get; init; } = 250;

    /// <summary>
    /// Multiplies each held-out curve's observation-noise σ (the rejection rules see the noise-free curve, so
    /// the same curves are drawn at every scale). 1 (default) is the training prior; 3 is the noisy-curve
    /// robustness check.
    /// </summary>
    public double NoiseScale { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option, given the model's curve length.</summary>
    public void Validate(int maxEpochs)
    {
        if (Curves < 1)
        {
            throw new ArgumentException($"The number of evaluation curves must be at least 1; got {Curves}.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"The evaluation batch size must be at least 1; got {BatchSize}.");
        }

        if (!double.IsFinite(NoiseScale) || NoiseScale <= 0)
        {
            throw new ArgumentException($"The noise scale must be positive and finite; got {NoiseScale}.");
        }

        if (Cutoffs is null || Cutoffs.Count == 0)
        {
            throw new ArgumentException("Give at least one cut-off.");
        }

        foreach (int c in Cutoffs)
        {
            if (c < 1 || c > maxEpochs - 1)
            {
                throw new ArgumentException($"Cut-off {c} is outside 1..{maxEpochs - 1}: the model covers {maxEpochs} epochs and at least one must remain to predict.");
            }
        }
    }
}
