using Hpo.Cli.Doctor;
using Hpo.Testing;

namespace Hpo.Cli.Tests.Database;

public sealed class DatabaseCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hpo-cli-db-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Migrate_NewSqliteFileThenAgain_AppliesThenReportsUpToDate()
    {
        string file = Path.Combine(_folder, "hpo.db");

        var first = await ConsoleCapture.InvokeAsync("db", "migrate", "--db", file);
        var second = await ConsoleCapture.InvokeAsync("db", "migrate", "--db", file);
        var status = await ConsoleCapture.InvokeAsync("db", "status", "--db", file);

        Assert.True(first.Exit == 0, first.Error);
        Assert.Contains("applied InitialSchema", first.Out, StringComparison.Ordinal);
        Assert.Equal(0, second.Exit);
        Assert.Contains("already up to date", second.Out, StringComparison.Ordinal);
        Assert.Equal(0, status.Exit);
        Assert.Contains("TrialRunnerJob (up to date)", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_MissingDbOption_FailsParsing()
    {
        var (exit, _, error) = await ConsoleCapture.InvokeAsync("db", "migrate");

        Assert.NotEqual(0, exit);
        Assert.Contains("--db", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_BadPostgresUri_ExitsOneWithMessage()
    {
        var (exit, _, error) = await ConsoleCapture.InvokeAsync("db", "migrate", "--db", "postgres://u@h/db?no_such_option=1");

        Assert.Equal(1, exit);
        Assert.Contains("no_such_option", error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task MigrateThenDoctor_Postgres_DoctorReportsCurrentSchema()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();

        var migrate = await ConsoleCapture.InvokeAsync("db", "migrate", "--db", db.ConnectionString);
        var checks = await DoctorChecks.RunAsync(db.ConnectionString);

        Assert.True(migrate.Exit == 0, migrate.Error);
        var check = Assert.Single(checks, c => c.Name == "database");
        Assert.True(check.Status == DoctorStatus.Ok, check.Detail);
        Assert.Contains("TrialRunnerJob (up to date)", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_MigratedSqliteFile_ReportsSqliteVersionAndSchema()
    {
        string file = Path.Combine(_folder, "doctor.db");
        await ConsoleCapture.InvokeAsync("db", "migrate", "--db", file);

        var checks = await DoctorChecks.RunAsync(file);

        var check = Assert.Single(checks, c => c.Name == "database");
        Assert.True(check.Status == DoctorStatus.Ok, check.Detail);
        Assert.Contains("SQLite 3.", check.Detail, StringComparison.Ordinal);
        Assert.Contains("TrialRunnerJob (up to date)", check.Detail, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
