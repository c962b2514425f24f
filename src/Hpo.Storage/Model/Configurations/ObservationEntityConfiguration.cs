using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hpo.Storage.Model.Configurations;

/// <summary>Table <c>observations</c>: one value per trial and epoch, never NaN or infinite.</summary>
internal sealed class ObservationEntityConfiguration(ModelDialect dialect) : IEntityTypeConfiguration<ObservationEntity>
{
    public void Configure(EntityTypeBuilder<ObservationEntity> builder)
    {
        builder.ToTable("observations", t =>
        {
            t.HasCheckConstraint("ck_observations_epoch", "epoch >= 1");
            t.HasCheckConstraint("ck_observations_value", dialect.Finite("value", nullable: false));
        });

        // The natural key is the primary key: it makes writes idempotent (ON CONFLICT DO NOTHING) and its
        // index serves "curves of these trials, by epoch".
        builder.HasKey(o => new { o.TrialId, o.Epoch });
        // PostgreSQL: the id of the transaction that wrote the row, so a worker reads only the observations committed
        // since its last read (SQLite, one writer at a time, uses its rowid). A shadow property: only the store's SQL reads it.
        if (dialect.Provider == Connections.DatabaseProvider.PostgreSql)
        {
            builder.Property<long>("Tx").HasDefaultValueSql("CAST(CAST(pg_current_xact_id() AS text) AS bigint)");
            builder.HasIndex("Tx");
        }

        builder.HasOne<TrialEntity>().WithMany().HasForeignKey(o => o.TrialId).OnDelete(DeleteBehavior.Cascade);
    }
}
