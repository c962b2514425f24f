using System.Data.Common;
using Hpo.Storage.Connections;
using Hpo.Storage.Schema;
using Npgsql;

namespace Hpo.Cli.Doctor;

/// <summary>Connects to the database named by <c>--db</c> and reports its server and schema version.</summary>
internal static class DatabaseCheck
{
    public static async Task<DoctorCheck> RunAsync(string database, CancellationToken cancellationToken)
    {
        try
        {
            var connection = HpoConnection.Parse(database, applicationName: "hpo doctor");
            if (connection.SqliteFile is { } file && !File.Exists(file))
            {
                return new DoctorCheck("database", DoctorStatus.Fail, $"SQLite file '{database}' does not exist", Required: true);
            }

            string connectionString = connection.Provider == DatabaseProvider.PostgreSql
                ? new NpgsqlConnectionStringBuilder(connection.ConnectionString) { Timeout = 5 }.ConnectionString
                : connection.ConnectionString;
            var status = await HpoDatabase.For(connectionString, "hpo doctor").GetSchemaStatusAsync(cancellationToken);
            return new DoctorCheck("database", DoctorStatus.Ok, $"{status.ServerVersion} reachable; schema: {status.Describe()}", Required: true);
        }
        catch (Exception ex) when (ex is DbException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            return new DoctorCheck("database", DoctorStatus.Fail, DoctorChecks.Flatten(ex), Required: true);
        }
    }
}
