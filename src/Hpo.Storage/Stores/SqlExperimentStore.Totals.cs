using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Storage.Stores;

/// <summary>Counts across every experiment, for dashboards and metrics.</summary>
internal sealed partial class SqlExperimentStore
{
    public Task<StoreTotals> GetTotalsAsync(CancellationToken cancellationToken = default) =>
        _executor.ReadAsync("GetTotals", async (s, ct) =>
        {
            // One statement, one round trip: a scrape every few seconds should cost the database one query.
            await using var select = s.Command(
                """
                SELECT 'trials', status, COUNT(*) FROM trials GROUP BY status
                UNION ALL SELECT 'decisions', action, COUNT(*) FROM decisions GROUP BY action
                UNION ALL SELECT 'observations', '', COUNT(*) FROM observations
                UNION ALL SELECT 'saved', '', COALESCE(SUM(e.max_epochs - t.last_epoch), 0)
                    FROM trials t JOIN experiments e ON e.id = t.experiment_id WHERE t.status = @stopped
                """)
                .With("stopped", TrialStatus.Stopped);
            var rows = await ReadAllAsync(select, r => (Kind: r.GetString(0), Key: r.GetString(1), Count: Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)), ct);
            return StoreTotals.Create(
                rows.Where(r => r.Kind == "trials").Select(r => KeyValuePair.Create(Enum.Parse<TrialStatus>(r.Key), r.Count)),
                rows.Where(r => r.Kind == "observations").Sum(r => r.Count),
                rows.Where(r => r.Kind == "decisions").Select(r => KeyValuePair.Create(Enum.Parse<DecisionAction>(r.Key), r.Count)),
                rows.Where(r => r.Kind == "saved").Sum(r => r.Count));
        }, cancellationToken);
}
