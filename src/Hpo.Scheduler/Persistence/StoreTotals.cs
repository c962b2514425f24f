namespace Hpo.Scheduler.Persistence;

/// <summary>
/// What a store holds across all its experiments (<see cref="IExperimentStore.GetTotalsAsync"/>): what an operator's
/// dashboard or a metrics scrape shows for the whole fleet.
/// </summary>
/// <param name="TrialsByStatus">Trials by status; every status is present (zero when there is none).</param>
/// <param name="EpochsReported">Observations stored: epochs reported by every trial.</param>
/// <param name="DecisionsByAction">Stopping decisions stored, by action; every action is present (zero when there is none).</param>
/// <param name="EpochsSaved">Over stopped trials, the epochs they would still have trained (the experiment's max epochs minus the trial's last epoch).</param>
public sealed record StoreTotals(
    IReadOnlyDictionary<TrialStatus, long> TrialsByStatus,
    long EpochsReported,
    IReadOnlyDictionary<DecisionAction, long> DecisionsByAction,
    long EpochsSaved)
{
    /// <summary>Totals from counts that may omit statuses and actions (absent ones count zero).</summary>
    /// <param name="trialsByStatus">Trials by status, as counted.</param>
    /// <param name="epochsReported">Observations stored.</param>
    /// <param name="decisionsByAction">Decisions by action, as counted.</param>
    /// <param name="epochsSaved">Epochs the stopped trials did not train.</param>
    public static StoreTotals Create(IEnumerable<KeyValuePair<TrialStatus, long>> trialsByStatus, long epochsReported, IEnumerable<KeyValuePair<DecisionAction, long>> decisionsByAction, long epochsSaved)
    {
        ArgumentNullException.ThrowIfNull(trialsByStatus);
        ArgumentNullException.ThrowIfNull(decisionsByAction);
        var trials = Enum.GetValues<TrialStatus>().ToDictionary(s => s, _ => 0L);
        foreach (var (status, count) in trialsByStatus)
        {
            trials[status] += count;
        }

        var decisions = Enum.GetValues<DecisionAction>().ToDictionary(a => a, _ => 0L);
        foreach (var (action, count) in decisionsByAction)
        {
            decisions[action] += count;
        }

        return new StoreTotals(trials, epochsReported, decisions, epochsSaved);
    }
}
