using Hpo.Scheduler.Persistence;
using Hpo.Storage.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hpo.Storage.Model.Configurations;

/// <summary>Table <c>trials</c>: numbered densely per experiment, leased to one worker at a time.</summary>
internal sealed class TrialEntityConfiguration(ModelDialect dialect) : IEntityTypeConfiguration<TrialEntity>
{
    public void Configure(EntityTypeBuilder<TrialEntity> builder)
    {
        builder.ToTable("trials", t =>
        {
            t.HasCheckConstraint("ck_trials_number", "number >= 1");
            t.HasCheckConstraint("ck_trials_attempt", "attempt >= 0");
            t.HasCheckConstraint("ck_trials_last_epoch", "last_epoch >= 0");
            t.HasCheckConstraint("ck_trials_status", ModelDialect.OneOf<TrialStatus>("status"));
            t.HasCheckConstraint("ck_trials_best_value", dialect.Finite("best_value", nullable: true));
            t.HasCheckConstraint("ck_trials_last_value", dialect.Finite("last_value", nullable: true));
        });
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedOnAdd();
        builder.Property(t => t.Parameters).HasColumnType(dialect.JsonColumnType).IsRequired();
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.WorkerId).HasMaxLength(200);
        builder.Property(t => t.RunnerJob).HasMaxLength(100);
        builder.HasOne<ExperimentEntity>().WithMany().HasForeignKey(t => t.ExperimentId).OnDelete(DeleteBehavior.Cascade);

        // Dense numbers: (experiment, number) is the trial's natural key; it also serves listings by number.
        builder.HasIndex(t => new { t.ExperimentId, t.Number }).IsUnique();

        // Listings filtered by status, and the best value of an experiment.
        builder.HasIndex(t => new { t.ExperimentId, t.Status });

        // The slots' count of unfinished trials (SqlExperimentStore.UnfinishedCount): an index of those alone, so the count
        // reads a handful of entries however many trials have finished, whatever plan the table's statistics suggest.
        builder.HasIndex(t => t.ExperimentId, "ix_trials_unfinished")
            .HasFilter(SqlExperimentStore.UnfinishedStatus);

        // The stale-lease sweep only ever looks at running trials.
        builder.HasIndex(t => t.LastHeartbeat).HasFilter("status = 'Running'").HasDatabaseName("ix_trials_running_heartbeat");
    }
}
