using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Hpo.Cli.Tests.Bench;

public sealed class DashboardBenchCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hpo-cli-bench-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Invoke_SmallExperimentOnNewSqliteFile_PrintsPageAndPollFiguresAndTheForecastModel()
    {
        string file = Path.Combine(_folder, "dashboard.db");

        var (exit, output, error) = await ConsoleCapture.InvokeAsync(
            "bench", "dashboard", "--db", file, "--migrate", "--json", "--trials", "40", "--running", "5", "--page-size", "20", "--polls", "2");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(40, root.GetProperty("trials").GetInt32());
        Assert.Equal(6, root.GetProperty("pageLoad").GetProperty("requests").GetInt32());
        Assert.Equal(2, root.GetProperty("livePoll").GetProperty("repetitions").GetInt32());
        foreach (string figure in new[] { "firstPageLoad", "pageLoad", "livePoll", "livePollWithoutSummary", "quietPoll", "allCurves" })
        {
            Assert.True(root.GetProperty(figure).GetProperty("bytesP50").GetInt64() > 0, figure);
            Assert.True(root.GetProperty(figure).GetProperty("p50Milliseconds").GetDouble() > 0, figure);
        }

        // The quiet poll's curves carry no points, so it is smaller than the first full read of the same trials.
        Assert.True(root.GetProperty("endpoints").GetProperty("curvesSinceCursor").GetProperty("bytesP50").GetInt64() > 0);
        Assert.Equal(64, root.GetProperty("forecast").GetProperty("model").GetString()!.Length);
        Assert.Contains("bench dashboard: quiet polls", error, StringComparison.Ordinal);
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM trials";
        Assert.Equal(40L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Invoke_MorePollsThanTheEpochsAllow_ExitsTwoNamingPolls()
    {
        var (exit, _, error) = await ConsoleCapture.InvokeAsync("bench", "dashboard", "--db", Path.Combine(_folder, "x.db"), "--polls", "10", "--epochs", "20");

        Assert.Equal(2, exit);
        Assert.Contains("--polls", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "x.db")));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
