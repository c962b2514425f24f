namespace Hpo.Benchmarks.Throughput;

/// <summary>The figures of <see cref="SchedulerBenchmark"/>.</summary>
/// <param name="Provider">PostgreSql or Sqlite.</param>
/// <param name="ServerVersion">The database server's version.</param>
/// <param name="Database">The connection, password redacted.</param>
/// <param name="Policy">The stopping policy's name.</param>
/// <param name="Workers">Concurrent simulated workers.</param>
/// <param name="Reports">Epoch reports made (each: persist the value, decide, persist the decision).</param>
/// <param name="Trials">Trials started.</param>
/// <param name="TrialsStopped">Trials the policy stopped early.</param>
/// <param name="PolicyCalls">Policy calls (reports that arrived together share one).</param>
/// <param name="Seconds">Wall-clock time of the timed phase.</param>
/// <param name="ReportsPerSecond">Sustained epoch reports per second through the in-process coordinator.</param>
/// <param name="P50Milliseconds">Median latency of one report, from the write of the value to the stored decision.</param>
/// <param name="P99Milliseconds">99th-percentile latency of one report.</param>
/// <param name="MeanMilliseconds">Mean latency of one report.</param>
internal sealed record SchedulerBenchResult(
    string Provider,
    string ServerVersion,
    string Database,
    string Policy,
    int Workers,
    int Reports,
    int Trials,
    int TrialsStopped,
    long PolicyCalls,
    double Seconds,
    double ReportsPerSecond,
    double P50Milliseconds,
    double P99Milliseconds,
    double MeanMilliseconds);
