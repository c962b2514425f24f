namespace Hpo.Benchmarks.Speed;

/// <summary>The outcome of <see cref="PredictorSpeedBenchmark.Run"/> (times in milliseconds).</summary>
/// <param name="Options">The settings used.</param>
/// <param name="SingleP50">Median latency of one decision (one trial).</param>
/// <param name="SingleP99">99th-percentile latency of one decision.</param>
/// <param name="SingleMean">Mean latency of one decision.</param>
/// <param name="SingleSamples">Single decisions timed.</param>
/// <param name="BatchP50">Median latency of deciding the whole batch.</param>
/// <param name="BatchP99">99th-percentile latency of deciding the whole batch.</param>
/// <param name="DecisionsPerSecond">Batch size ÷ median batch latency.</param>
/// <param name="SingleP50ByCutoff">Median single-decision latency per observed prefix length.</param>
public sealed record PredictorSpeedReport(
    PredictorSpeedOptions Options,
    double SingleP50,
    double SingleP99,
    double SingleMean,
    int SingleSamples,
    double BatchP50,
    double BatchP99,
    double DecisionsPerSecond,
    IReadOnlyList<(int Cutoff, double P50)> SingleP50ByCutoff);
