using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hpo.Storage.Model.Configurations;

/// <summary>Table <c>workers</c>: the worker processes that ever registered.</summary>
internal sealed class WorkerEntityConfiguration : IEntityTypeConfiguration<WorkerEntity>
{
    public void Configure(EntityTypeBuilder<WorkerEntity> builder)
    {
        builder.ToTable("workers");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).HasMaxLength(200);
        builder.Property(w => w.Host).HasMaxLength(255).IsRequired();

        // Listed most recently seen first.
        builder.HasIndex(w => w.LastHeartbeat);
    }
}
