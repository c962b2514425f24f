namespace Hpo.Benchmarks.Extrapolation;

/// <summary>Settings of <see cref="ExtrapolationBenchmark"/>.</summary>
public sealed record ExtrapolationOptions
{
    /// <summary>OpenML task ids.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = LcBenchTasks.Development;

    /// <summary>Curves per task (sampled configurations, as the pools of the early-stopping benchmark).</summary>
    public int CurvesPerTask { get; init; } = 100;

    /// <summary>Cut-offs in percent of the curve's epochs (observed prefix length = round(p% × epochs), at least 1).</summary>
    public IReadOnlyList<int> CutoffPercents { get; init; } = [10, 20, 40, 80];

    /// <summary>Seed of the sampled configurations.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the settings; messages name the command-line option.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public ExtrapolationOptions Validate()
    {
        if (Tasks is not { Count: > 0 })
        {
            throw new ArgumentException("--tasks names no task.");
        }

        if (CurvesPerTask < 1)
        {
            throw new ArgumentException($"--curves must be at least 1 (got {CurvesPerTask}).");
        }

        if (CutoffPercents is not { Count: > 0 } || CutoffPercents.Any(p => p is <= 0 or >= 100))
        {
            throw new ArgumentException($"--cutoffs must be percentages strictly between 0 and 100 (got {string.Join(",", CutoffPercents ?? [])}).");
        }

        return this;
    }

    /// <summary>The observed epochs at cut-off <paramref name="percent"/> of a curve of <paramref name="epochs"/> epochs (at least 1, at most epochs − 1).</summary>
    public static int ObservedEpochs(int percent, int epochs) => Math.Clamp((int)Math.Round(percent / 100.0 * epochs, MidpointRounding.AwayFromZero), 1, epochs - 1);
}
