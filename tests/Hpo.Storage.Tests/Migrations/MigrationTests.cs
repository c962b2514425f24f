using System.Text;
using Hpo.Storage.Connections;
using Hpo.Storage.Context;
using Hpo.Storage.Schema;
using Hpo.Storage.Tests.Infrastructure;
using Hpo.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Hpo.Storage.Tests.Migrations;

public sealed class MigrationTests : IDisposable
{
    private static readonly string[] Tables = ["checkpoints", "decisions", "experiments", "observations", "trials", "workers"];

    // Every migration, oldest first, as an empty database gets them.
    private static readonly string[] AllMigrations = ["InitialSchema", "FleetModelAndChangeFeed", "FreezeThawCheckpoints", "UnfinishedTrialsIndex", "TrialRunnerJob"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hpo-migration-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(DatabaseProvider.PostgreSql)]
    [InlineData(DatabaseProvider.Sqlite)]
    public void Model_EachProvider_HasNoPendingChangesAgainstItsSnapshot(DatabaseProvider provider)
    {
        // Comparing the model with the migrations' snapshot needs no server.
        string connection = provider == DatabaseProvider.PostgreSql ? "Host=localhost;Database=unused" : Path.Combine(_folder, "unused.db");
        using var context = HpoDbContextFactory.Create(HpoConnection.Parse(connection));

        Assert.False(context.Database.HasPendingModelChanges(), $"The {provider} model changed without a migration: run dotnet ef migrations add (see src/Hpo.Storage/README.md).");
        Assert.NotEmpty(context.Database.GetMigrations());
    }

    [Fact]
    public async Task MigrateAsync_EmptySqliteFileTwice_AppliesOnceThenReportsUpToDate()
    {
        var database = HpoDatabase.For(Path.Combine(_folder, "nested", "hpo.db"));

        var applied = await database.MigrateAsync();
        var again = await database.MigrateAsync();
        var status = await database.GetSchemaStatusAsync();

        Assert.Equal(AllMigrations, applied);
        Assert.Empty(again);
        Assert.True(status.IsUpToDate);
        Assert.Equal(AllMigrations[^1], status.CurrentMigration);
        Assert.StartsWith("SQLite 3.", status.ServerVersion, StringComparison.Ordinal);
        Assert.Equal(Tables, await SqliteTablesAsync(database.Connection));
    }

    [Fact]
    public async Task GetSchemaStatusAsync_MissingSqliteFile_FailsWithoutCreatingIt()
    {
        string file = Path.Combine(_folder, "missing.db");

        await Assert.ThrowsAsync<SqliteException>(() => HpoDatabase.For(file).GetSchemaStatusAsync());

        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task EnsureReadyAsync_UnmigratedWithoutMigrateOnStart_ThrowsNamingTheCommand()
    {
        string file = Path.Combine(_folder, "fresh.db");
        Directory.CreateDirectory(_folder);
        await using (var create = new SqliteConnection($"Data Source={file}"))
        {
            await create.OpenAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => HpoDatabase.For(file).EnsureReadyAsync());

        Assert.Contains("hpo db migrate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateDownAndUp_Sqlite_RemovesThenRestoresEveryTable()
    {
        var database = HpoDatabase.For(Path.Combine(_folder, "downup.db"));
        await database.MigrateAsync();

        await using (var context = HpoDbContextFactory.Create(database.Connection))
        {
            await context.GetService<IMigrator>().MigrateAsync(Migration.InitialDatabase);
        }

        Assert.Empty(await SqliteTablesAsync(database.Connection));
        Assert.Equal(AllMigrations, await database.MigrateAsync());
        Assert.Equal(Tables, await SqliteTablesAsync(database.Connection));
    }

    [PostgresFact]
    public async Task MigrateDownAndUp_PostgreSql_EmptyDatabaseMigratesRevertsAndMigratesAgain()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var database = HpoDatabase.For(db.ConnectionString);

        Assert.Equal("not migrated (run 'hpo db migrate')", (await database.GetSchemaStatusAsync()).Describe());
        Assert.Equal(AllMigrations, await database.MigrateAsync());
        Assert.Equal(Tables, await PostgresTablesAsync(db.ConnectionString));
        await using (var context = HpoDbContextFactory.Create(database.Connection))
        {
            await context.GetService<IMigrator>().MigrateAsync(Migration.InitialDatabase);
        }

        Assert.Empty(await PostgresTablesAsync(db.ConnectionString));
        Assert.Equal(AllMigrations, await database.MigrateAsync());
        var status = await database.GetSchemaStatusAsync();
        Assert.True(status.IsUpToDate);
        Assert.StartsWith("PostgreSQL ", status.ServerVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSqlScript_CheckedIn_MatchesTheMigrations()
    {
        using var context = HpoDbContextFactory.Create(HpoConnection.Parse("Host=localhost;Database=unused"));
        string generated = context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.True(
            Normalize(generated) == Normalize(CheckedInScript()),
            "migrations/postgresql.sql is out of date: regenerate it with dotnet ef migrations script --idempotent (see src/Hpo.Storage/README.md).");
    }

    [PostgresFact]
    public async Task PostgreSqlScript_AppliedTwiceToEmptyDatabase_SucceedsAndLeavesSchemaUpToDate()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            for (int i = 0; i < 2; i++)
            {
                await using var command = new NpgsqlCommand(CheckedInScript(), connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        await using var harness = await StoreHarness.CreateAsync(db.ConnectionString);
        var status = await harness.Database.GetSchemaStatusAsync();
        Assert.True(status.IsUpToDate, status.Describe());
        Assert.Equal("script", (await harness.Store.CreateExperimentAsync(new("script", "loss", Scheduler.Persistence.MetricDirection.Minimize, null, null, 3, "{}", "{}", "{}"))).Spec.Name);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static string CheckedInScript()
    {
        using var stream = typeof(HpoDatabase).Assembly.GetManifestResourceStream("Hpo.Storage.Migrations.postgresql.sql")
            ?? throw new InvalidOperationException("migrations/postgresql.sql is not embedded in Hpo.Storage.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Normalize(string script) => script.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private static async Task<List<string>> SqliteTablesAsync(HpoConnection connection)
    {
        await using var db = new SqliteConnection(connection.ConnectionString);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name";
        return await ReadNamesAsync(command);
    }

    private static async Task<List<string>> PostgresTablesAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE '\\_\\_%' ORDER BY table_name", db);
        return await ReadNamesAsync(command);
    }

    private static async Task<List<string>> ReadNamesAsync(System.Data.Common.DbCommand command)
    {
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
