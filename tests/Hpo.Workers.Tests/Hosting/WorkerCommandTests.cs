using Hpo.Workers.Tests.Chaos;

namespace Hpo.Workers.Tests.Hosting;

/// <summary>The real <c>hpo worker</c> process: settings are checked before it touches the database.</summary>
public sealed class WorkerCommandTests
{
    // Port 1 never answers: the worker must refuse the settings before it tries to connect.
    private const string Unreachable = "Host=127.0.0.1;Port=1;Username=x;Database=x";

    [Fact]
    public async Task Worker_OrphanedAfterBelowOneSecond_ExitsNamingTheSetting()
    {
        var (code, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "worker", "--db", Unreachable, "--orphaned-after-seconds", "0.5");

        Assert.Equal(2, code);
        Assert.Contains("OrphanedPendingAfter must be at least 1 s", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_TorchThreadsZero_ExitsTwoNamingTheOption()
    {
        var (code, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "worker", "--db", Unreachable, "--torch-threads", "0");

        Assert.Equal(2, code);
        Assert.Contains("--torch-threads: 0 is not a thread count", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_Help_ListsTheOrphanedAfterOption()
    {
        var (code, output) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "worker", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--orphaned-after-seconds", output, StringComparison.Ordinal);
        Assert.Contains("--torch-threads", output, StringComparison.Ordinal);
    }
}
