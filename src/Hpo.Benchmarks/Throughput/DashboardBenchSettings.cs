namespace Hpo.Benchmarks.Throughput;

/// <summary>Settings of <c>hpo bench dashboard</c>.</summary>
internal sealed record DashboardBenchSettings(
    string Connection,
    bool Migrate,
    int Trials = 5000,
    int Epochs = 20,
    int Running = 50,
    int PageSize = 50,
    int Polls = 8,
    string? ModelPath = null);
