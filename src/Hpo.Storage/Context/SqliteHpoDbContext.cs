using Hpo.Storage.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Hpo.Storage.Context;

/// <summary>The model on SQLite; its migrations are in migrations/Sqlite.</summary>
internal sealed class SqliteHpoDbContext(DbContextOptions<SqliteHpoDbContext> options) : HpoDbContext(options)
{
    protected override ModelDialect Dialect => ModelDialect.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type: UTC ticks in an INTEGER sort and compare correctly (the stale-lease
        // sweep and the listings need both), where EF's default TEXT form does not.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();

        // Lease tokens as lower-case canonical text, the same form the store's SQL binds.
        configurationBuilder.Properties<Guid>().HaveConversion<GuidToStringConverter>();
    }
}
