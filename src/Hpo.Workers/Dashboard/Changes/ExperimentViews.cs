using Hpo.Scheduler.Persistence;
using Hpo.Workers.Dashboard.Api;

namespace Hpo.Workers.Dashboard.Changes;

/// <summary>
/// The dashboard process's <see cref="ExperimentView"/> of each experiment a page looked at, brought up to date on every
/// request from the store's change feed (<see cref="IExperimentStore.ReadObservationChangesAsync"/>): one read of the
/// observations committed since the last refresh and, for trials whose newest epoch still waits for its decision, one
/// read of their decisions. The first refresh of an experiment reads it whole, once per process. A singleton: the
/// store (which may be scoped) comes with each call.
/// </summary>
internal sealed class ExperimentViews(TimeProvider time)
{
    /// <summary>The most experiments kept; the least recently used goes first (it is read again when asked for).</summary>
    public const int MaxExperiments = 32;

    /// <summary>
    /// How long a trial's newest epoch is watched for its decision. Decisions follow their epoch within a batch's
    /// decide step; a policy that records none (or an epoch with no decision) stops costing a read after this.
    /// </summary>
    public static readonly TimeSpan DecisionWindow = TimeSpan.FromMinutes(2);

    private readonly Dictionary<long, (ExperimentView View, long Used)> _views = [];
    private long _uses;

    /// <summary>Brings the experiment's view up to date and runs <paramref name="read"/> on it, alone.</summary>
    public async Task<T> ReadAsync<T>(IExperimentStore store, ExperimentRecord experiment, Func<ExperimentView, T> read, CancellationToken cancellationToken = default)
    {
        ExperimentView view = ViewOf(experiment);
        long refreshes = view.Refreshes;
        await view.Gate.WaitAsync(cancellationToken);
        try
        {
            // A request that waited while another refreshed (the page asks for the summary and the curves at once)
            // uses that refresh: one read of what changed per poll.
            if (view.Refreshes == refreshes || view.Cursor is null)
            {
                await RefreshAsync(store, view, experiment.Spec.MaxEpochs, cancellationToken);
            }

            return read(view);
        }
        finally
        {
            view.Gate.Release();
        }
    }

    private ExperimentView ViewOf(ExperimentRecord experiment)
    {
        lock (_views)
        {
            _uses++;
            if (_views.TryGetValue(experiment.Id, out var entry))
            {
                _views[experiment.Id] = (entry.View, _uses);
                return entry.View;
            }

            if (_views.Count >= MaxExperiments)
            {
                _views.Remove(_views.MinBy(kv => kv.Value.Used).Key);
            }

            var view = new ExperimentView(experiment.Id, experiment.Spec.Direction == MetricDirection.Maximize);
            _views.Add(experiment.Id, (view, _uses));
            return view;
        }
    }

    private async Task RefreshAsync(IExperimentStore store, ExperimentView view, int maxEpochs, CancellationToken cancellationToken)
    {
        bool first = view.Cursor is null;
        ObservationChanges changes = await store.ReadObservationChangesAsync(view.ExperimentId, view.Cursor, cancellationToken);
        DateTimeOffset now = time.GetUtcNow();
        view.ApplyObservations(changes.Observations, now, first);
        if (first)
        {
            // Everything is new: every observed trial's decisions, in batches (once per experiment and process).
            var ids = view.Trials.Select(t => t.Id).ToList();
            foreach (long[] batch in ids.Chunk(DashboardQueries.StoreBatchSize))
            {
                view.ApplyDecisions(await store.GetDecisionsAsync(batch, decidedAfter: null, cancellationToken));
            }
        }
        else
        {
            var (awaiting, after) = view.AwaitingDecisions(now, DecisionWindow, maxEpochs);
            foreach (long[] batch in awaiting.Chunk(DashboardQueries.StoreBatchSize))
            {
                view.ApplyDecisions(await store.GetDecisionsAsync(batch, after, cancellationToken));
            }
        }

        view.AwaitingDecisions(now, DecisionWindow, maxEpochs);
        view.Cursor = changes.Next;
        view.Refreshes++;
    }
}
