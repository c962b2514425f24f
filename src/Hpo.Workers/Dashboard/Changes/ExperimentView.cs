using System.Security.Cryptography;
using Hpo.Scheduler.Persistence;
using Hpo.Workers.Dashboard.Api;

namespace Hpo.Workers.Dashboard.Changes;

/// <summary>
/// One experiment's curves, best value so far and pause/stop decisions as the dashboard holds them, kept current from
/// the store's change feed by <see cref="ExperimentViews"/>: a refresh costs what changed since the last one, not the
/// experiment's size. Every member is used under <see cref="Gate"/>.
/// </summary>
internal sealed class ExperimentView(long experimentId, bool maximize)
{
    private readonly Dictionary<long, TrialView> _trials = [];
    private readonly List<BestSoFarPointResponse> _bestSoFar = [];
    private double _best = double.NaN;
    private TrialView? _bestTrial;

    public long ExperimentId { get; } = experimentId;

    /// <summary>
    /// Names this view in the cursors it hands out (8 hex digits): a cursor of another view (another dashboard
    /// process, or this experiment's view before it was evicted and read again) cannot be compared with this one's
    /// versions, so it is answered with a full read.
    /// </summary>
    public string Token { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Where the next read of the change feed starts; null before the first.</summary>
    public ObservationCursor? Cursor { get; set; }

    /// <summary>How many refreshes ran: a request that waited for another's refresh uses it instead of reading again.</summary>
    public long Refreshes { get; set; }

    /// <summary>Grows with every observation or decision that changed the view; an incremental read returns what is newer than its cursor's.</summary>
    public long Version { get; private set; }

    /// <summary>The epochs recorded over all trials (distinct trial and epoch), the best-so-far chart's axis.</summary>
    public long EpochsSpent { get; private set; }

    public IReadOnlyList<BestSoFarPointResponse> BestSoFar => _bestSoFar;

    public double? BestValue => _bestTrial is null ? null : _best;

    public TrialView? BestTrial => _bestTrial;

    public IEnumerable<TrialView> Trials => _trials.Values;

    public TrialView? Trial(long trialId) => _trials.GetValueOrDefault(trialId);

    /// <summary>
    /// Applies a batch of the change feed in the order the epochs were recorded; repeats (the feed may return a row
    /// again) are ignored. Trials that gained an epoch wait for its decision (see <see cref="TrialView.PendingSince"/>);
    /// in the first read of an experiment, which holds epochs of any age, an epoch counts as seen when it was recorded
    /// (if that is earlier), so old trials that never got a decision are not asked about.
    /// </summary>
    public void ApplyObservations(IReadOnlyList<ObservationChange> changes, DateTimeOffset now, bool firstRead = false)
    {
        foreach (ObservationChange o in changes.OrderBy(o => o.RecordedAt).ThenBy(o => o.TrialId).ThenBy(o => o.Epoch))
        {
            if (!_trials.TryGetValue(o.TrialId, out TrialView? trial))
            {
                trial = new TrialView(o.TrialId, o.TrialNumber);
                _trials.Add(o.TrialId, trial);
            }

            if (trial.Epochs.ContainsKey(o.Epoch))
            {
                continue;
            }

            EpochsSpent++;
            Version++;
            trial.Epochs.Add(o.Epoch, new ObservedEpoch(o.Value, EpochsSpent, Version));
            if (o.Epoch == trial.LastEpoch && (trial.Latest is null || trial.Latest.Epoch < o.Epoch))
            {
                trial.PendingSince = trial.PendingSince is { } p && p < o.RecordedAt ? p : o.RecordedAt;
                trial.SeenAt = firstRead && o.RecordedAt < now ? o.RecordedAt : now;
            }

            if (!double.IsFinite(o.Value))
            {
                continue;
            }

            bool better = double.IsNaN(_best) || (maximize ? o.Value > _best : o.Value < _best);
            if (better)
            {
                _best = o.Value;
                _bestTrial = trial;
                _bestSoFar.Add(new BestSoFarPointResponse(EpochsSpent, _best, trial.Id, trial.Number));
            }
            else if (o.Value.Equals(_best) && trial.Number < _bestTrial!.Number)
            {
                // A tie goes to the lower trial number, as the trials table ranks them.
                _bestTrial = trial;
            }
        }
    }

    /// <summary>Applies decisions (any may be a repeat); a trial settles once its newest epoch has a decision.</summary>
    public void ApplyDecisions(IReadOnlyDictionary<long, IReadOnlyList<DecisionRecord>> decisions)
    {
        foreach (var (trialId, list) in decisions)
        {
            if (!_trials.TryGetValue(trialId, out TrialView? trial))
            {
                continue;
            }

            foreach (DecisionRecord d in list)
            {
                if (d.Action == DecisionAction.Pause && !trial.Pauses.ContainsKey(d.Epoch))
                {
                    trial.Pauses.Add(d.Epoch, ++Version);
                }

                if (trial.Latest is null || d.Epoch > trial.Latest.Epoch)
                {
                    trial.Latest = d;
                    trial.LatestVersion = ++Version;
                }
            }

            if (trial.Latest is { } latest && latest.Epoch >= trial.LastEpoch)
            {
                trial.PendingSince = null;
            }
        }
    }

    /// <summary>
    /// Trials whose newest epoch still waits for its decision and was seen within <paramref name="window"/>, and the
    /// time (the writers' clocks) their decisions can be read after. A trial whose epoch got no decision in that time
    /// (a policy that records none, the last epoch) stops being asked about.
    /// </summary>
    public (IReadOnlyCollection<long> TrialIds, DateTimeOffset? DecidedAfter) AwaitingDecisions(DateTimeOffset now, TimeSpan window, int maxEpochs)
    {
        var ids = new List<long>();
        DateTimeOffset? after = null;
        foreach (TrialView trial in _trials.Values)
        {
            if (trial.PendingSince is not { } since)
            {
                continue;
            }

            if (now - trial.SeenAt > window || trial.LastEpoch >= maxEpochs)
            {
                trial.PendingSince = null;
                continue;
            }

            ids.Add(trial.Id);
            DateTimeOffset before = since - TimeSpan.FromMilliseconds(1);
            after = after is { } a && a < before ? a : before;
        }

        return (ids, after);
    }

    /// <summary>
    /// Where trials were stopped (their Stop decision's epoch) or completed (an epoch at <paramref name="maxEpochs"/>),
    /// paused (a Pause decision's epoch) and resumed (the epoch after a pause, once recorded), on the epochs-spent axis.
    /// </summary>
    public List<TrialEndResponse> Marks(int maxEpochs)
    {
        var marks = new List<TrialEndResponse>();
        foreach (TrialView trial in _trials.Values)
        {
            if (trial.Latest is { Action: DecisionAction.Stop } stop)
            {
                Add(trial, trial.Epochs.ContainsKey(stop.Epoch) ? stop.Epoch : trial.LastEpoch, "stop");
            }
            else if (trial.Epochs.ContainsKey(maxEpochs))
            {
                Add(trial, maxEpochs, "complete");
            }

            foreach (int epoch in trial.Pauses.Keys)
            {
                Add(trial, epoch, "pause");
                Add(trial, epoch + 1, "resume");
            }
        }

        return marks;

        void Add(TrialView trial, int epoch, string action)
        {
            if (trial.Epochs.TryGetValue(epoch, out ObservedEpoch observed))
            {
                marks.Add(new TrialEndResponse(observed.Position, trial.Id, trial.Number, epoch, action, 1));
            }
        }
    }
}
