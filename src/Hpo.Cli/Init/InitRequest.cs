using Hpo.Workloads.Tabular;

namespace Hpo.Cli.Init;

/// <summary>What <c>hpo init</c> was asked for.</summary>
internal sealed record InitRequest(
    string Data,
    string Label,
    TabularTask? Task,
    string Workload,
    string? Metric,
    IReadOnlyList<string> Ignore,
    char? Separator,
    string? Validation,
    string? Name,
    int MaxEpochs,
    int Trials,
    int SampleRows);
