using System.Data.Common;
using Hpo.Storage.Configuration;
using Hpo.Storage.Connections;
using Hpo.Storage.Context;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hpo.Storage.Schema;

/// <summary>
/// The schema of the configured database: applies EF Core migrations (<c>hpo db migrate</c>) and reports what
/// is applied (<c>hpo doctor --db</c>). Applications call <see cref="EnsureReadyAsync"/> on start: it migrates
/// only when <see cref="HpoStorageOptions.MigrateOnStart"/> says so, and otherwise refuses an outdated schema.
/// </summary>
public sealed class HpoDatabase
{
    private readonly HpoStorageOptions _options;

    /// <summary>Creates the service for the configured connection.</summary>
    public HpoDatabase(IOptions<HpoStorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        Connection = HpoConnection.Parse(_options.Connection, _options.ApplicationName, _options.SqliteBusyTimeout);
    }

    /// <summary>The parsed connection.</summary>
    public HpoConnection Connection { get; }

    /// <summary>A database service for <paramref name="connection"/> with default options (the CLI's entry point).</summary>
    /// <exception cref="ArgumentException">The connection cannot be parsed.</exception>
    public static HpoDatabase For(string connection, string applicationName = HpoConnection.DefaultApplicationName) =>
        new(Options.Create(new HpoStorageOptions { Connection = connection, ApplicationName = applicationName }));

    /// <summary>
    /// Applies every pending migration (creating the SQLite file and its folder if needed, and switching it to
    /// WAL). Safe to run twice and from two processes at once. Returns the migrations it applied.
    /// </summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (Connection.SqliteFile is { } file)
        {
            string? folder = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        await using var context = HpoDbContextFactory.Create(Connection);
        if (Connection.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers run beside the one writer; the mode is stored in the file, so once is enough.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).Select(ShortName).ToList();
        await context.Database.MigrateAsync(cancellationToken);
        return pending;
    }

    /// <summary>The engine's version and the applied and pending migrations. Never creates or changes anything.</summary>
    public async Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default)
    {
        // Read-only for SQLite, so asking about a missing file does not create it.
        var connection = Connection.Provider == DatabaseProvider.Sqlite
            ? Connection with { ConnectionString = new SqliteConnectionStringBuilder(Connection.ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString() }
            : Connection;
        await using var context = HpoDbContextFactory.Create(connection);
        DbConnection db = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.CreateCommand();
            command.CommandText = Connection.Provider == DatabaseProvider.PostgreSql ? "SELECT 'PostgreSQL ' || current_setting('server_version')" : "SELECT 'SQLite ' || sqlite_version()";
            string server = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            var applied = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
            var pending = context.Database.GetMigrations().Except(applied, StringComparer.Ordinal).ToList();
            return new SchemaStatus(Connection.Provider, server, applied.Select(ShortName).ToList(), pending.Select(ShortName).ToList());
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Makes sure the schema matches this build before an application uses the store: migrates when
    /// <see cref="HpoStorageOptions.MigrateOnStart"/> is set, and otherwise throws when migrations are pending.
    /// </summary>
    /// <exception cref="InvalidOperationException">Migrations are pending and the application was not told to migrate.</exception>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        if (_options.MigrateOnStart)
        {
            await MigrateAsync(cancellationToken);
            return;
        }

        if (Connection.SqliteFile is { } file && !File.Exists(file))
        {
            throw new InvalidOperationException($"The SQLite file '{file}' does not exist; create it with 'hpo db migrate --db {file}' or set {nameof(HpoStorageOptions.MigrateOnStart)}.");
        }

        var status = await GetSchemaStatusAsync(cancellationToken);
        if (!status.IsUpToDate)
        {
            throw new InvalidOperationException($"The database {Connection.Redacted} is {status.Describe()}; run 'hpo db migrate --db ...' or set {nameof(HpoStorageOptions.MigrateOnStart)}.");
        }
    }

    // EF ids are "20260101000000_InitialSchema"; people read the name, the timestamp only orders them.
    private static string ShortName(string migrationId)
    {
        int underscore = migrationId.IndexOf('_', StringComparison.Ordinal);
        return underscore == 14 ? migrationId[(underscore + 1)..] : migrationId;
    }
}
