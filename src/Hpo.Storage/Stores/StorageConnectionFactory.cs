using System.Data.Common;
using System.Globalization;
using Hpo.Storage.Configuration;
using Hpo.Storage.Connections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hpo.Storage.Stores;

/// <summary>Opens connections for the store: a pooled Npgsql data source, or SQLite connections tuned for WAL.</summary>
internal sealed class StorageConnectionFactory : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource? _dataSource;
    private readonly string _sqlitePragmas;

    public StorageConnectionFactory(IOptions<HpoStorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Connection = HpoConnection.Parse(settings.Connection, settings.ApplicationName, settings.SqliteBusyTimeout);
        Dialect = SqlDialect.For(Connection.Provider);
        if (Connection.Provider == DatabaseProvider.PostgreSql)
        {
            var builder = new NpgsqlDataSourceBuilder(Connection.ConnectionString);

            // The store leaves no session state on a connection (no SET, temporary tables, LISTEN, advisory locks
            // or cursors; every transaction ends before the connection goes back), so the seven reset statements
            // Npgsql otherwise sends at every checkout are pure server work (about a fifth of the scheduler
            // benchmark's throughput). Open transactions are still rolled back on return. A connection string
            // that says "No Reset On Close" keeps its own choice.
            if (!Connection.ConnectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
            {
                builder.ConnectionStringBuilder.NoResetOnClose = true;
            }

            _dataSource = builder.Build();
        }

        // synchronous=NORMAL is durable against a process crash in WAL mode and much faster than FULL;
        // busy_timeout makes SQLite itself wait for the writer lock instead of failing at once.
        _sqlitePragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout={(long)settings.SqliteBusyTimeout.TotalMilliseconds}; PRAGMA synchronous=NORMAL;");
    }

    public HpoConnection Connection { get; }

    public SqlDialect Dialect { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is not null)
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(Connection.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = _sqlitePragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Drops idle pooled connections after the server dropped one (restart, admin shutdown): the others are
    /// most likely dead too, and a retry should not draw them one by one.
    /// </summary>
    public void ClearPool() => _dataSource?.Clear();

    // Both forms: a host may dispose its service provider either way, and DI refuses a synchronous dispose of
    // a service that only knows the asynchronous one.
    public void Dispose() => _dataSource?.Dispose();

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
