using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Benchmarks.Speed;

/// <summary>Settings of <see cref="PredictorSpeedBenchmark"/>.</summary>
public sealed record PredictorSpeedOptions
{
    /// <summary>Timed rounds (each: one single decision per cut-off, and one batch).</summary>
    public int Repetitions { get; init; } = 20;

    /// <summary>Untimed rounds first (JIT, allocator, libtorch warm-up).</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>Running trials decided together in the batch measurement.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The smallest observed prefix timed.</summary>
    public int MinCutoff { get; init; } = 5;

    /// <summary>The largest observed prefix timed.</summary>
    public int MaxCutoff { get; init; } = 50;

    /// <summary>Epochs of a full trial (LCBench: 52).</summary>
    public int Epochs { get; init; } = 52;

    /// <summary>The stopping rule's horizon (default: the policy's default, the final epoch).</summary>
    public LcPfnHorizon Horizon { get; init; } = new LcPfnPolicyOptions().Horizon;

    /// <summary>Checks the settings; messages name the command-line option.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public PredictorSpeedOptions Validate()
    {
        if (Repetitions < 1)
        {
            throw new ArgumentException($"--repetitions must be at least 1 (got {Repetitions}).");
        }

        if (Warmup < 0)
        {
            throw new ArgumentException($"--warmup must be at least 0 (got {Warmup}).");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"--batch must be at least 1 (got {BatchSize}).");
        }

        if (Epochs < 3 || MinCutoff < 2 || MaxCutoff < MinCutoff || MaxCutoff >= Epochs)
        {
            throw new ArgumentException($"The cut-offs must satisfy 2 ≤ --min-cutoff ({MinCutoff}) ≤ --max-cutoff ({MaxCutoff}) < epochs ({Epochs}).");
        }

        return this;
    }
}
