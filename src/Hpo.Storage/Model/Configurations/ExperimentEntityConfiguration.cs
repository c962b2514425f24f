using Hpo.Scheduler.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hpo.Storage.Model.Configurations;

/// <summary>Table <c>experiments</c>: one row per experiment, its name unique.</summary>
internal sealed class ExperimentEntityConfiguration(ModelDialect dialect) : IEntityTypeConfiguration<ExperimentEntity>
{
    public void Configure(EntityTypeBuilder<ExperimentEntity> builder)
    {
        builder.ToTable("experiments", t =>
        {
            t.HasCheckConstraint("ck_experiments_max_epochs", "max_epochs >= 1");
            t.HasCheckConstraint("ck_experiments_trial_count", "trial_count >= 0");
            t.HasCheckConstraint("ck_experiments_direction", ModelDialect.OneOf<MetricDirection>("direction"));
            t.HasCheckConstraint("ck_experiments_status", ModelDialect.OneOf<ExperimentStatus>("status"));
            t.HasCheckConstraint("ck_experiments_metric_lower_bound", dialect.Finite("metric_lower_bound", nullable: true));
            t.HasCheckConstraint("ck_experiments_metric_upper_bound", dialect.Finite("metric_upper_bound", nullable: true));
            t.HasCheckConstraint("ck_experiments_metric_bounds", "metric_lower_bound IS NULL OR metric_upper_bound IS NULL OR metric_lower_bound < metric_upper_bound");
        });
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Name).HasMaxLength(200).IsRequired();
        builder.Property(e => e.MetricName).HasMaxLength(200).IsRequired();
        builder.Property(e => e.Direction).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.SearchSpace).HasColumnType(dialect.JsonColumnType).IsRequired();
        builder.Property(e => e.Tuner).HasColumnType(dialect.JsonColumnType).IsRequired();
        builder.Property(e => e.Policy).HasColumnType(dialect.JsonColumnType).IsRequired();
        builder.Property(e => e.Settings).HasColumnType(dialect.JsonColumnType);
        builder.Property(e => e.ModelSha256).HasMaxLength(64);
        builder.HasIndex(e => e.Name).IsUnique();

        // The dashboard lists experiments newest first.
        builder.HasIndex(e => e.CreatedAt);
    }
}
