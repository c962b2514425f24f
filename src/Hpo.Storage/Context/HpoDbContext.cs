using System.Text;
using Hpo.Storage.Model;
using Hpo.Storage.Model.Configurations;
using Microsoft.EntityFrameworkCore;

namespace Hpo.Storage.Context;

/// <summary>
/// The EF Core model of the store. Each engine has its own derived context so each keeps its own migrations
/// (migrations/PostgreSql, migrations/Sqlite); the runtime store writes with hand-written SQL on the same tables.
/// </summary>
internal abstract class HpoDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ExperimentEntity> Experiments => Set<ExperimentEntity>();

    public DbSet<TrialEntity> Trials => Set<TrialEntity>();

    public DbSet<ObservationEntity> Observations => Set<ObservationEntity>();

    public DbSet<DecisionEntity> Decisions => Set<DecisionEntity>();

    public DbSet<WorkerEntity> Workers => Set<WorkerEntity>();

    public DbSet<CheckpointEntity> Checkpoints => Set<CheckpointEntity>();

    protected abstract ModelDialect Dialect { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new ExperimentEntityConfiguration(Dialect));
        modelBuilder.ApplyConfiguration(new TrialEntityConfiguration(Dialect));
        modelBuilder.ApplyConfiguration(new ObservationEntityConfiguration(Dialect));
        modelBuilder.ApplyConfiguration(new DecisionEntityConfiguration(Dialect));
        modelBuilder.ApplyConfiguration(new WorkerEntityConfiguration());
        modelBuilder.ApplyConfiguration(new CheckpointEntityConfiguration());

        // snake_case columns: operators query these tables by hand (psql, sqlite3) and the store's SQL reads
        // better without quoted identifiers.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }
    }

    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
