using System.Data.Common;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Connections;
using Hpo.Storage.Schema;
using Hpo.Storage.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Hpo.Storage.Tests.Infrastructure;

/// <summary>A migrated database with a real store on it, a fake clock and the test search-space validator.</summary>
public sealed class StoreHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StoreHarness(ServiceProvider services, FakeTimeProvider time, HpoConnection connection)
    {
        _services = services;
        Time = time;
        Connection = connection;
        Store = services.GetRequiredService<IExperimentStore>();
        Database = services.GetRequiredService<HpoDatabase>();
    }

    /// <summary>A fixed start so stale-lease tests control time exactly.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public IExperimentStore Store { get; }

    public HpoDatabase Database { get; }

    public FakeTimeProvider Time { get; }

    public HpoConnection Connection { get; }

    public static async Task<StoreHarness> CreateAsync(string connection, Action<HpoStorageOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IParameterValidator, SearchSpaceParameterValidator>()
            .AddHpoStorage(o =>
            {
                o.Connection = connection;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
                configure?.Invoke(o);
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var database = services.GetRequiredService<HpoDatabase>();
        await database.MigrateAsync();
        return new StoreHarness(services, time, database.Connection);
    }

    /// <summary>Opens a plain ADO.NET connection to the same database, for checks behind the store's back.</summary>
    public async Task<DbConnection> OpenRawAsync()
    {
        DbConnection connection = Connection.Provider == DatabaseProvider.PostgreSql
            ? new NpgsqlConnection(Connection.ConnectionString)
            : new SqliteConnection(Connection.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenRawAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Everything a write could have changed, as one comparable string.</summary>
    public async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        foreach (string table in new[] { "experiments", "trials", "observations", "decisions", "workers", "checkpoints" })
        {
            parts.Add($"{table}={await ScalarAsync($"SELECT COUNT(*) FROM {table}")}");
        }

        parts.Add($"trial_count={await ScalarAsync("SELECT COALESCE(SUM(trial_count), 0) FROM experiments")}");
        parts.Add($"last_epochs={await ScalarAsync("SELECT COALESCE(SUM(last_epoch), 0) FROM trials")}");
        parts.Add($"attempts={await ScalarAsync("SELECT COALESCE(SUM(attempt), 0) FROM trials")}");
        parts.Add($"running={await ScalarAsync("SELECT COUNT(*) FROM trials WHERE status = 'Running'")}");
        parts.Add($"best_scaled={await ScalarAsync("SELECT CAST(COALESCE(SUM(best_value), 0) * 1000000 AS BIGINT) FROM trials")}");
        return string.Join(", ", parts);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
