namespace Hpo.Benchmarks.Throughput;

/// <summary>What <c>hpo bench fleet</c> runs.</summary>
/// <param name="Connection">The fleet's PostgreSQL database.</param>
/// <param name="Migrate">Apply pending migrations first.</param>
/// <param name="PolicyJson">The experiment's stopping policy.</param>
/// <param name="Trials">Trials in the experiment.</param>
/// <param name="Workers">`hpo worker` processes started.</param>
/// <param name="Concurrency">Trials each worker runs at once.</param>
/// <param name="Surrogate">The LCBench surrogate folder.</param>
/// <param name="Task">The OpenML task id of the LCBench surrogate.</param>
/// <param name="PollSeconds">The workers' queue polling interval.</param>
/// <param name="Model">The LC-PFN model the workers load (null: their default).</param>
/// <param name="Seed">The experiment's seed.</param>
/// <param name="WarmupTrials">Trials of a warm-up experiment the same workers run first, unmeasured (0: none, the workers start cold).</param>
internal sealed record FleetBenchSettings(
    string Connection,
    bool Migrate,
    string PolicyJson,
    int Trials,
    int Workers,
    int Concurrency,
    string Surrogate,
    string Task,
    double PollSeconds,
    string? Model,
    int Seed,
    int WarmupTrials = 0)
{
    /// <exception cref="ArgumentException">A setting is out of range; the message names its option.</exception>
    public FleetBenchSettings Validate()
    {
        Require(Trials >= 1, "--trials", Trials, "at least 1");
        Require(Workers is >= 1 and <= 64, "--workers", Workers, "in 1–64");
        Require(Concurrency is >= 1 and <= 256, "--concurrency", Concurrency, "in 1–256");
        Require(WarmupTrials >= 0, "--warmup-trials", WarmupTrials, "at least 0");
        Require(PollSeconds is > 0 and <= 60, "--poll-seconds", PollSeconds, "in (0, 60]");
        if (!Directory.Exists(Surrogate))
        {
            throw new ArgumentException($"--surrogate: there is no folder '{Surrogate}' (the LCBench surrogate, data/yahpo-lcbench in the repository).");
        }

        if (Model is not null && !File.Exists(Model))
        {
            throw new ArgumentException($"--model: there is no file '{Model}'.");
        }

        return this;
    }

    private static void Require(bool ok, string option, double value, string range)
    {
        if (!ok)
        {
            throw new ArgumentException(FormattableString.Invariant($"{option} is {value}; it must be {range}."));
        }
    }
}
