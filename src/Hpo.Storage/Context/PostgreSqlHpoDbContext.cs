using Hpo.Storage.Model;
using Microsoft.EntityFrameworkCore;

namespace Hpo.Storage.Context;

/// <summary>The model on PostgreSQL (jsonb, timestamptz, uuid); its migrations are in migrations/PostgreSql.</summary>
internal sealed class PostgreSqlHpoDbContext(DbContextOptions<PostgreSqlHpoDbContext> options) : HpoDbContext(options)
{
    protected override ModelDialect Dialect => ModelDialect.PostgreSql;
}
