using System.Text.Json;
using Hpo.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hpo.Cli.Tests.Bench;

public sealed class StorageBenchCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hpo-cli-bench-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Invoke_SmallRunOnNewSqliteFile_PrintsFiguresAndWritesEveryObservation()
    {
        string file = Path.Combine(_folder, "bench.db");

        var (exit, output, error) = await RunSmallAsync(file);

        Assert.True(exit == 0, error);
        AssertFigures(output, "Sqlite");
        Assert.Contains("[bench storage] batched:", error, StringComparison.Ordinal);
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM observations";
        Assert.Equal(40L + 400L + (8L * 5L), (long)(await count.ExecuteScalarAsync())!);
    }

    [PostgresFact]
    public async Task Invoke_SmallRunOnPostgres_PrintsFigures()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();

        var (exit, output, error) = await RunSmallAsync(db.ConnectionString);

        Assert.True(exit == 0, error);
        AssertFigures(output, "PostgreSql");
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM observations", connection);
        Assert.Equal(480L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Invoke_UnmigratedDatabaseWithoutMigrate_ExitsOneNamingTheFix()
    {
        var (exit, _, error) = await ConsoleCapture.InvokeAsync("bench", "storage", "--db", Path.Combine(_folder, "empty.db"), "--single", "4");

        Assert.Equal(1, exit);
        Assert.Contains("hpo db migrate", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static Task<(int Exit, string Out, string Error)> RunSmallAsync(string db) =>
        ConsoleCapture.InvokeAsync(
            "bench", "storage", "--db", db, "--migrate", "--json",
            "--writers", "2", "--single", "40", "--batched", "400", "--batch-size", "50",
            "--curve-trials", "8", "--curve-epochs", "5", "--reads", "20");

    private static void AssertFigures(string output, string provider)
    {
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(provider, root.GetProperty("provider").GetString());
        Assert.Equal(40, root.GetProperty("single").GetProperty("observations").GetInt32());
        Assert.Equal(400, root.GetProperty("batched").GetProperty("observations").GetInt32());
        Assert.Equal(50, root.GetProperty("batched").GetProperty("batchSize").GetInt32());
        Assert.True(root.GetProperty("single").GetProperty("observationsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("batched").GetProperty("observationsPerSecond").GetDouble() > 0);
        var curves = root.GetProperty("curves");
        Assert.Equal(8, curves.GetProperty("trials").GetInt32());
        Assert.Equal(20, curves.GetProperty("reads").GetInt32());
        Assert.InRange(curves.GetProperty("p50Milliseconds").GetDouble(), double.Epsilon, curves.GetProperty("p99Milliseconds").GetDouble());
    }
}
