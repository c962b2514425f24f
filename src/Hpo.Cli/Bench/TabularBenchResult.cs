namespace Hpo.Cli.Bench;

/// <summary>What <c>hpo bench tabular</c> measured.</summary>
internal sealed record TabularBenchResult(
    string Workload,
    string Policy,
    int Rows,
    int Columns,
    int EncodedFeatures,
    int TrainRows,
    int ValidationRows,
    double LoadSeconds,
    double LoadRowsPerSecond,
    int Trials,
    int EpochsPerTrial,
    long EpochsTrained,
    int Concurrency,
    double TrainingSeconds,
    double TrialsPerSecond,
    double EpochsPerSecond,
    double? BestValue,
    string Metric,
    double WorkingSetAfterLoadMb,
    double PeakWorkingSetMb);
