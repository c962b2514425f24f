using Hpo.LcPfn.Model;
using Hpo.LcPfn.Prior;

namespace Hpo.LcPfn.Training;

/// <summary>
/// Everything that defines a training run. Defaults are spec §7's recipe (emsize 128, 3 layers,
/// 1000 buckets, AdamW lr 1e-3, 25% linear warm-up then cosine decay, clipping 1.0, batch 100,
/// dropout 0, 8,000 steps); spec §4's reference recipe differs in lr (1e-4), dropout (0.2) and length.
/// </summary>
public sealed record LcPfnTrainingOptions
{
    /// <summary>Network size. Default: spec §7 (see <see cref="LcPfnArchitecture"/>).</summary>
    public LcPfnArchitecture Architecture { get; init; } = new();

    /// <summary>Optimizer steps. Default 8,000 (800,000 curves at batch 100).</summary>
    public long Steps { get; init; } = 8_000;

    /// <summary>Curves per step, all sharing one cut-off. Default 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Peak AdamW learning rate. Default 1e-3 (spec §7; the paper's 1e-4 suits 10M-curve runs).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Fraction of the steps with linear warm-up before the cosine decay. Default 0.25.</summary>
    public double WarmupFraction { get; init; } = 0.25;

    /// <summary>Maximum global gradient norm; 0 disables clipping. Default 1.0.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>AdamW weight decay. Default 0 (as the reference).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Dropout while training. Default 0 (spec §7); the paper used 0.2.</summary>
    public double Dropout { get; init; }

    /// <summary>Seed of everything random: prior curves, cut-offs, initialisation, dropout. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Prior curves whose values define the bucket borders. Default 10,000 (spec §3).</summary>
    public int BorderCurves { get; init; } = 10_000;

    /// <summary>Steps between checkpoints. Default 200 (about a minute at spec §7's speed).</summary>
    public int CheckpointInterval { get; init; } = 200;

    /// <summary>Torch CPU threads. Default 2 (this project's reference machine).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>"cpu" or "cuda". Default "cpu".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The prior the curves come from (its length must equal <see cref="LcPfnArchitecture.MaxEpochs"/>).</summary>
    internal LearningCurvePrior Prior => new(Architecture.MaxEpochs);

    /// <summary>Total training curves (steps × batch size).</summary>
    public long Curves => Steps * BatchSize;

    /// <summary>Warm-up steps, at least 1.</summary>
    public long WarmupSteps => Math.Max(1, (long)Math.Round(WarmupFraction * Steps));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Architecture);
        Architecture.Validate();
        Require(Steps >= 1, $"The number of steps must be at least 1; got {Steps}.");
        Require(BatchSize >= 1, $"The batch size must be at least 1; got {BatchSize}.");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"The learning rate must be a positive number; got {LearningRate}.");
        Require(WarmupFraction >= 0 && WarmupFraction <= 1, $"The warm-up fraction must be in [0, 1]; got {WarmupFraction}.");
        Require(GradientClip >= 0 && double.IsFinite(GradientClip), $"The gradient clip must be ≥ 0 (0 = off); got {GradientClip}.");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), $"The weight decay must be ≥ 0; got {WeightDecay}.");
        Require(Dropout >= 0 && Dropout < 1, $"Dropout must be in [0, 1); got {Dropout}.");
        Require(BorderCurves >= 1 && (long)BorderCurves * Architecture.MaxEpochs >= 2L * Architecture.Buckets,
            $"{BorderCurves} border curves of {Architecture.MaxEpochs} epochs are too few values for {Architecture.Buckets} buckets (need at least 2 values per bucket).");
        Require(CheckpointInterval >= 1, $"The checkpoint interval must be at least 1 step; got {CheckpointInterval}.");
        Require(Threads >= 1, $"The thread count must be at least 1; got {Threads}.");
        Require(Device is "cpu" or "cuda", $"The device must be 'cpu' or 'cuda'; got '{Device}'.");
    }

    /// <summary>The learning rate at 0-based <paramref name="step"/>: linear warm-up to the peak, then cosine decay to 0.</summary>
    public double LearningRateAt(long step)
    {
        long warm = WarmupSteps;
        if (step < warm)
        {
            // (step + 1) rather than the reference's step, so the first step is not wasted at lr 0.
            return LearningRate * (step + 1) / warm;
        }

        double progress = Steps <= warm ? 1 : (double)(step - warm) / (Steps - warm);
        return LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
