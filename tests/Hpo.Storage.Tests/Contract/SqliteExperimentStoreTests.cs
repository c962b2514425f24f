using Hpo.Storage.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Hpo.Storage.Tests.Contract;

/// <summary>The contract on an embedded SQLite file (WAL, busy timeout), one fresh file per test.</summary>
public sealed class SqliteExperimentStoreTests : ExperimentStoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hpo-storage-tests", Guid.NewGuid().ToString("N"));

    protected override Task<StoreHarness> CreateHarnessAsync() => StoreHarness.CreateAsync(Path.Combine(_folder, "hpo.db"), ConfigureStorage);

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task MigrateAsync_NewFile_UsesWriteAheadLog()
    {
        await using var connection = await Harness.OpenRawAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
