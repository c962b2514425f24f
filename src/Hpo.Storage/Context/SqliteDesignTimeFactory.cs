using Hpo.Storage.Connections;
using Microsoft.EntityFrameworkCore.Design;

namespace Hpo.Storage.Context;

/// <summary>Lets <c>dotnet ef migrations add X --context SqliteHpoDbContext</c> build the model.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteHpoDbContext>
{
    public SqliteHpoDbContext CreateDbContext(string[] args) =>
        (SqliteHpoDbContext)HpoDbContextFactory.Create(HpoConnection.Parse(Path.Combine(Path.GetTempPath(), "hpo-design.db")));
}
