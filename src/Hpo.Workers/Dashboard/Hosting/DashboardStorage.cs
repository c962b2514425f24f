using Hangfire;
using Hangfire.PostgreSql;
using Hpo.Storage.Configuration;
using Hpo.Storage.Connections;
using Hpo.Workers.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Workers.Dashboard.Hosting;

/// <summary>What the dashboard reads for a <c>--db</c> value: Hpo's store, and Hangfire's jobs when the database is PostgreSQL.</summary>
public static class DashboardStorage
{
    /// <summary>The name the dashboard's connections carry in <c>pg_stat_activity</c>.</summary>
    public const string ApplicationName = "hpo dashboard";

    /// <summary>Why <paramref name="database"/> cannot be served, or null when it may be: a SQLite file must exist already (a read-only dashboard creates nothing).</summary>
    /// <exception cref="ArgumentException"><paramref name="database"/> cannot be read as a connection.</exception>
    public static string? Problem(string database)
    {
        HpoConnection connection = HpoConnection.Parse(database, ApplicationName);
        return connection.SqliteFile is { } file && !File.Exists(file)
            ? $"the SQLite file '{file}' does not exist; create it with 'hpo db migrate --db {file}' or point --db at the experiments' database."
            : null;
    }

    /// <summary>Registers the store for <paramref name="database"/> and, on PostgreSQL, Hangfire's PostgreSQL job storage.</summary>
    /// <exception cref="ArgumentException"><paramref name="database"/> cannot be read as a connection.</exception>
    public static void Register(IServiceCollection services, string database)
    {
        HpoConnection connection = HpoConnection.Parse(database, ApplicationName);
        services.AddHpoStorage(options =>
        {
            options.Connection = database;
            options.ApplicationName = ApplicationName;
        });
        if (connection.Provider == DatabaseProvider.PostgreSql)
        {
            // The workers' Hangfire tables in the same database, named by the fleet's own default rather than by
            // Hangfire.PostgreSql's, so the two cannot drift apart. SQLite runs keep their jobs in-process: nothing to show.
            services.AddHangfire(configuration => configuration
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UsePostgreSqlStorage(
                    options => options.UseNpgsqlConnection(connection.ConnectionString),
                    new PostgreSqlStorageOptions { SchemaName = HpoWorkerOptions.DefaultHangfireSchema }));
        }
    }
}
