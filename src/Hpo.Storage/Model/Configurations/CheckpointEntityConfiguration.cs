using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hpo.Storage.Model.Configurations;

/// <summary>Table <c>checkpoints</c>: at most one per trial (a later pause replaces it), inline or as a file.</summary>
internal sealed class CheckpointEntityConfiguration : IEntityTypeConfiguration<CheckpointEntity>
{
    public void Configure(EntityTypeBuilder<CheckpointEntity> builder)
    {
        builder.ToTable("checkpoints", t =>
        {
            t.HasCheckConstraint("ck_checkpoints_epoch", "epoch >= 1");
            t.HasCheckConstraint("ck_checkpoints_size_bytes", "size_bytes >= 1");

            // Exactly one of the two places holds the bytes.
            t.HasCheckConstraint("ck_checkpoints_location", "(data IS NULL) <> (file_path IS NULL)");
        });
        builder.HasKey(c => c.TrialId);
        builder.Property(c => c.TrialId).ValueGeneratedNever();
        builder.Property(c => c.Sha256).HasMaxLength(64).IsRequired();
        builder.Property(c => c.FilePath).HasMaxLength(1024);
        builder.HasOne<TrialEntity>().WithOne().HasForeignKey<CheckpointEntity>(c => c.TrialId).OnDelete(DeleteBehavior.Cascade);
    }
}
