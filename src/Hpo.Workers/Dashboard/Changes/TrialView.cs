using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Dashboard.Changes;

/// <summary>What the dashboard holds of one trial: its observed epochs and its latest and pause decisions.</summary>
internal sealed class TrialView(long id, int number)
{
    public long Id { get; } = id;

    public int Number { get; } = number;

    /// <summary>Observed epochs: the value, the position on the epochs-spent axis and the view version it arrived in.</summary>
    public SortedDictionary<int, ObservedEpoch> Epochs { get; } = [];

    /// <summary>The decision with the highest epoch, and the view version it arrived in.</summary>
    public DecisionRecord? Latest { get; set; }

    public long LatestVersion { get; set; }

    /// <summary>Epochs after which a Pause decision was taken, with the view version each arrived in.</summary>
    public SortedDictionary<int, long> Pauses { get; } = [];

    /// <summary>
    /// Set while the trial's newest epoch has no decision yet and the dashboard saw that epoch recently: such trials'
    /// decisions are read on the next refresh. <see cref="PendingSince"/> is that epoch's time by the writer's clock
    /// (a decision about it is taken after it), <see cref="SeenAt"/> when the dashboard read it (its own clock).
    /// </summary>
    public DateTimeOffset? PendingSince { get; set; }

    public DateTimeOffset SeenAt { get; set; }

    public int LastEpoch => Epochs.Count == 0 ? 0 : Epochs.Keys.Max();
}
