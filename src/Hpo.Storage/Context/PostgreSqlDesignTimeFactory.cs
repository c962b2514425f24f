using Hpo.Storage.Connections;
using Microsoft.EntityFrameworkCore.Design;

namespace Hpo.Storage.Context;

/// <summary>
/// Lets <c>dotnet ef migrations add X --context PostgreSqlHpoDbContext</c> build the model without a server
/// (adding a migration never connects).
/// </summary>
internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlHpoDbContext>
{
    public PostgreSqlHpoDbContext CreateDbContext(string[] args) =>
        (PostgreSqlHpoDbContext)HpoDbContextFactory.Create(HpoConnection.Parse("Host=localhost;Database=hpo_design"));
}
