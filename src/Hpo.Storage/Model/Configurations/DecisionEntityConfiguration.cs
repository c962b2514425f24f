using Hpo.Scheduler.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hpo.Storage.Model.Configurations;

/// <summary>Table <c>decisions</c>: one stopping decision per trial and epoch.</summary>
internal sealed class DecisionEntityConfiguration(ModelDialect dialect) : IEntityTypeConfiguration<DecisionEntity>
{
    public void Configure(EntityTypeBuilder<DecisionEntity> builder)
    {
        builder.ToTable("decisions", t =>
        {
            t.HasCheckConstraint("ck_decisions_epoch", "epoch >= 1");
            t.HasCheckConstraint("ck_decisions_action", ModelDialect.OneOf<DecisionAction>("action"));
            t.HasCheckConstraint("ck_decisions_probability_of_improvement", "probability_of_improvement IS NULL OR (probability_of_improvement >= 0 AND probability_of_improvement <= 1)");
            t.HasCheckConstraint("ck_decisions_predicted_median", dialect.Finite("predicted_median", nullable: true));
            t.HasCheckConstraint("ck_decisions_predicted_low", dialect.Finite("predicted_low", nullable: true));
            t.HasCheckConstraint("ck_decisions_predicted_high", dialect.Finite("predicted_high", nullable: true));
        });
        builder.HasKey(d => new { d.TrialId, d.Epoch });
        builder.Property(d => d.Action).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Policy).HasMaxLength(64).IsRequired();
        builder.Property(d => d.ModelSha256).HasMaxLength(64);
        builder.HasOne<TrialEntity>().WithMany().HasForeignKey(d => d.TrialId).OnDelete(DeleteBehavior.Cascade);
    }
}
