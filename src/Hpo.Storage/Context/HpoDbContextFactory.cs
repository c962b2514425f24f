using Hpo.Storage.Connections;
using Microsoft.EntityFrameworkCore;

namespace Hpo.Storage.Context;

/// <summary>Creates the engine's context for a connection (migrations and schema queries).</summary>
internal static class HpoDbContextFactory
{
    public static HpoDbContext Create(HpoConnection connection) => connection.Provider switch
    {
        DatabaseProvider.PostgreSql => new PostgreSqlHpoDbContext(
            new DbContextOptionsBuilder<PostgreSqlHpoDbContext>().UseNpgsql(connection.ConnectionString).Options),
        DatabaseProvider.Sqlite => new SqliteHpoDbContext(
            new DbContextOptionsBuilder<SqliteHpoDbContext>().UseSqlite(connection.ConnectionString).Options),
        _ => throw new ArgumentOutOfRangeException(nameof(connection), connection.Provider, "Unknown database provider."),
    };
}
