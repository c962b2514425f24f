using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hpo.Cli.Doctor;

/// <summary>Connects to the database named by <c>--db</c> and reports its server and schema version.</summary>
internal static class DatabaseCheck
{
    public static async Task<DoctorCheck> RunAsync(string database, CancellationToken cancellationToken)
    {
        try
        {
            bool postgres = LooksLikePostgres(database);
            await using DbConnection connection = postgres
                ? new NpgsqlConnection(ToNpgsql(database))
                : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly }.ToString());
            if (!postgres && !File.Exists(database))
            {
                return new DoctorCheck("database", DoctorStatus.Fail, $"SQLite file '{database}' does not exist", Required: true);
            }

            await connection.OpenAsync(cancellationToken);
            string server = postgres
                ? (string)(await Scalar(connection, "show server_version", cancellationToken))!
                : "SQLite " + (string)(await Scalar(connection, "select sqlite_version()", cancellationToken))!;
            string schema = await SchemaVersionAsync(connection, postgres, cancellationToken);
            return new DoctorCheck("database", DoctorStatus.Ok, $"{(postgres ? "PostgreSQL " : string.Empty)}{server} reachable; schema: {schema}", Required: true);
        }
        catch (Exception ex) when (ex is DbException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            return new DoctorCheck("database", DoctorStatus.Fail, DoctorChecks.Flatten(ex), Required: true);
        }
    }

    internal static bool LooksLikePostgres(string database) =>
        database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
        database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
        database.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    private static string ToNpgsql(string database)
    {
        if (!database.Contains("://", StringComparison.Ordinal))
        {
            return new NpgsqlConnectionStringBuilder(database) { ApplicationName = "hpo doctor", Timeout = 5 }.ToString();
        }

        var uri = new Uri(database);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = uri.AbsolutePath.Trim('/'),
            ApplicationName = "hpo doctor",
            Timeout = 5,
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            string[] userInfo = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
            if (userInfo.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[1]);
            }
        }

        return builder.ToString();
    }

    private static async Task<string> SchemaVersionAsync(DbConnection connection, bool postgres, CancellationToken cancellationToken)
    {
        string exists = postgres
            ? "select count(*) from information_schema.tables where table_name = '__EFMigrationsHistory'"
            : "select count(*) from sqlite_master where type = 'table' and name = '__EFMigrationsHistory'";
        if (Convert.ToInt64(await Scalar(connection, exists, cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return "not migrated (run 'hpo db migrate')";
        }

        object? last = await Scalar(connection, "select max(\"MigrationId\") from \"__EFMigrationsHistory\"", cancellationToken);
        return last is string s ? s : "no migration applied";
    }

    private static async Task<object?> Scalar(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
