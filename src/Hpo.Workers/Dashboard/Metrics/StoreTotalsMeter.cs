using System.Diagnostics.Metrics;
using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Metrics;

/// <summary>
/// The meter <see cref="MeterName"/>: the store's totals (<see cref="StoreTotals"/>) as observable instruments, so a
/// scrape of any dashboard shows the whole fleet, whichever workers reported. The values are the last totals
/// <see cref="StoreTotalsPoller"/> read; before its first read the instruments report nothing.
/// </summary>
internal sealed class StoreTotalsMeter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Hpo.Store";

    private StoreTotals? _totals;

    public StoreTotalsMeter(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter meter = meters.Create(MeterName);
        // Trials move between statuses, so their counts go down as well as up: an up-down counter (a Prometheus gauge).
        meter.CreateObservableUpDownCounter("hpo.store.trials", () => Each(t => t.TrialsByStatus, "status"), "{trial}", "Trials in the store, by status.");
        meter.CreateObservableCounter("hpo.store.epochs.reported", () => One(t => t.EpochsReported), "{epoch}", "Epochs reported (observations stored), all experiments.");
        meter.CreateObservableCounter("hpo.store.decisions", () => Each(t => t.DecisionsByAction, "action"), "{decision}", "Stopping decisions stored, by action.");
        meter.CreateObservableCounter("hpo.store.epochs.saved", () => One(t => t.EpochsSaved), "{epoch}", "Epochs stopped trials did not train (max epochs minus last epoch).");
    }

    /// <summary>The totals the instruments report from now on.</summary>
    public void Update(StoreTotals totals) => Volatile.Write(ref _totals, totals);

    private IEnumerable<Measurement<long>> One(Func<StoreTotals, long> value) =>
        Volatile.Read(ref _totals) is { } totals ? [new Measurement<long>(value(totals))] : [];

    private IEnumerable<Measurement<long>> Each<TKey>(Func<StoreTotals, IReadOnlyDictionary<TKey, long>> counts, string tag)
        where TKey : struct, Enum
    {
        if (Volatile.Read(ref _totals) is not { } totals)
        {
            return [];
        }

        return counts(totals).Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>(tag, c.Key.ToString())));
    }
}
