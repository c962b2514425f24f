namespace Hpo.Benchmarks.Throughput;

/// <summary>What <c>hpo bench storage</c> measured (printed as JSON with <c>--json</c>).</summary>
internal sealed record StorageBenchResult(
    string Provider,
    string Server,
    string Database,
    StorageBenchResult.WriteFigures Single,
    StorageBenchResult.WriteFigures Batched,
    StorageBenchResult.ReadFigures Curves)
{
    /// <summary>Observation writes.</summary>
    internal sealed record WriteFigures(int Writers, int BatchSize, int Observations, double Seconds, double ObservationsPerSecond);

    /// <summary>Latency of reading the curves of many running trials in one call.</summary>
    internal sealed record ReadFigures(int Trials, int EpochsPerTrial, int Reads, double P50Milliseconds, double P99Milliseconds, double MeanMilliseconds);
}
