using Npgsql;

namespace Hpo.Testing;

/// <summary>
/// A throwaway database on the PostgreSQL cluster that scripts/test.sh starts (HPO_TEST_POSTGRES).
/// Each instance creates its own database and drops it on dispose, so tests never share state.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable scripts/test.sh exports.</summary>
    public const string EnvironmentVariable = "HPO_TEST_POSTGRES";

    private readonly string _adminConnectionString;

    private PostgresTestDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>A connection string to the new database.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// The reason PostgreSQL tests are skipped on a developer machine without the variable, or null
    /// when they must run. Under CI (CI=true) they never skip: a missing variable fails them.
    /// </summary>
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } || IsCi
            ? null
            : $"{EnvironmentVariable} is not set; run scripts/test.sh to start a throwaway PostgreSQL.";

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates a fresh, empty database.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        string admin = Environment.GetEnvironmentVariable(EnvironmentVariable)
            ?? throw new InvalidOperationException($"{EnvironmentVariable} is not set (CI={Environment.GetEnvironmentVariable("CI")}): PostgreSQL tests need the cluster that scripts/test.sh starts.");
        string name = "hpo_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, ApplicationName = "hpo-tests" };
        return new PostgresTestDatabase(admin, name, builder.ToString());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
