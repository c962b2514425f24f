using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hpo.Storage.Connections;

/// <summary>
/// A parsed <c>--db</c> value: which engine, and the ADO.NET connection string to reach it.
/// Accepted forms: a PostgreSQL URI (<c>postgres://user:pass@host:port/db?sslmode=require</c>), a PostgreSQL
/// key/value string (<c>Host=...;Database=...</c>), a SQLite connection string (<c>Data Source=hpo.db</c>),
/// or a plain SQLite file path.
/// </summary>
/// <param name="Provider">The engine.</param>
/// <param name="ConnectionString">The full connection string (carries the application name on PostgreSQL).</param>
public sealed record HpoConnection(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>The application name operators see in <c>pg_stat_activity</c> unless the connection names another.</summary>
    public const string DefaultApplicationName = "hpo";

    /// <summary>How many statements each PostgreSQL connection prepares automatically unless the connection says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    // libpq's URI query keys that Npgsql spells differently.
    private static readonly Dictionary<string, string> UriKeyAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
    };

    /// <summary>The SQLite file, for <see cref="DatabaseProvider.Sqlite"/>; otherwise null.</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite ? new SqliteConnectionStringBuilder(ConnectionString).DataSource : null;

    /// <summary>The connection with any password replaced by <c>***</c>, for logs and messages.</summary>
    public string Redacted
    {
        get
        {
            if (Provider != DatabaseProvider.PostgreSql)
            {
                return ConnectionString;
            }

            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = "***";
            }

            return builder.ConnectionString;
        }
    }

    /// <summary>Whether <paramref name="value"/> names a PostgreSQL database (a URI or a key/value string with a host).</summary>
    public static bool LooksLikePostgreSql(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string trimmed = value.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return trimmed.Contains('=', StringComparison.Ordinal) &&
            trimmed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => part.Split('=', 2)[0].Trim())
                .Any(key => key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Parses a <c>--db</c> value. PostgreSQL connections get <paramref name="applicationName"/> unless they name one;
    /// SQLite connections get a busy timeout of <paramref name="sqliteBusyTimeout"/> (default 30 s), shared-cache off and
    /// foreign keys on.
    /// </summary>
    /// <exception cref="ArgumentException">The value is empty, or is a URI or connection string that cannot be read; the message says which part.</exception>
    public static HpoConnection Parse(string value, string applicationName = DefaultApplicationName, TimeSpan? sqliteBusyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        string trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("The database connection is empty: give a PostgreSQL connection string or URI, or a SQLite file path.", nameof(value));
        }

        if (LooksLikePostgreSql(trimmed))
        {
            var builder = trimmed.Contains("://", StringComparison.Ordinal) ? FromUri(trimmed) : FromKeyValue(trimmed);
            if (string.IsNullOrEmpty(builder.ApplicationName))
            {
                builder.ApplicationName = applicationName;
            }

            // The store runs the same few statements over and over: preparing them automatically saves the
            // server a parse and plan per call (measured ~1.7x on single writes). "Max Auto Prepare=0" in the
            // connection turns it off, e.g. behind a pooler without prepared-statement support.
            if (!value.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) && !value.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            {
                builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            }

            return new HpoConnection(DatabaseProvider.PostgreSql, builder.ConnectionString);
        }

        SqliteConnectionStringBuilder sqlite;
        if (trimmed.Contains('=', StringComparison.Ordinal) &&
            (trimmed.StartsWith("Data Source", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("DataSource", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("Filename", StringComparison.OrdinalIgnoreCase)))
        {
            try
            {
                sqlite = new SqliteConnectionStringBuilder(trimmed);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"The SQLite connection string is not valid: {ex.Message}", nameof(value), ex);
            }
        }
        else
        {
            sqlite = new SqliteConnectionStringBuilder { DataSource = trimmed };
        }

        if (string.IsNullOrWhiteSpace(sqlite.DataSource))
        {
            throw new ArgumentException("The SQLite connection names no file (Data Source is empty).", nameof(value));
        }

        // The store opens a connection per operation, and each in-memory connection is its own empty database.
        if (sqlite.DataSource.Equals(":memory:", StringComparison.Ordinal) || sqlite.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException("In-memory SQLite is not supported: every connection would see its own empty database. Give a file path.", nameof(value));
        }

        sqlite.DataSource = Path.GetFullPath(sqlite.DataSource);

        // Microsoft.Data.Sqlite retries SQLITE_BUSY for up to the command timeout: that is the busy timeout
        // that lets in-process workers share one file.
        sqlite.DefaultTimeout = (int)Math.Ceiling((sqliteBusyTimeout ?? TimeSpan.FromSeconds(30)).TotalSeconds);
        sqlite.ForeignKeys = true;
        sqlite.Pooling = true;
        return new HpoConnection(DatabaseProvider.Sqlite, sqlite.ConnectionString);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Provider}: {Redacted}";

    private static NpgsqlConnectionStringBuilder FromKeyValue(string value)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {ex.Message}", nameof(value), ex);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUri(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"The PostgreSQL URI '{Strip(value)}' is not valid: expected postgres://user:password@host:port/database.", nameof(value));
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
        };
        string database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            string[] userInfo = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
            if (userInfo.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[1]);
            }
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            string item = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            string npgsqlKey = UriKeyAliases.TryGetValue(key, out var alias) ? alias : key;
            try
            {
                builder[npgsqlKey] = item;
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"The PostgreSQL URI has an unknown or invalid parameter '{key}={item}': {ex.Message}", nameof(value), ex);
            }
        }

        return builder;
    }

    private static string Strip(string uri)
    {
        int at = uri.IndexOf('@', StringComparison.Ordinal);
        int scheme = uri.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? string.Concat(uri.AsSpan(0, scheme + 3), "***", uri.AsSpan(at)) : uri;
    }
}
