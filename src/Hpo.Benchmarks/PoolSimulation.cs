using Hpo.Scheduler.Stopping;

namespace Hpo.Benchmarks;

/// <summary>
/// One ordering of one pool trained by W simulated workers under a stopping policy (lcbench-protocol.md):
/// the clock advances one unit at a time, every busy worker finishes one epoch per unit, reports are
/// handled in worker-index order (each decision sees the reports of lower-index workers of the same
/// unit), a free worker starts the next configuration of the ordering, and the run ends when the epoch
/// budget is spent. With one worker this is the vertical protocol.
/// </summary>
/// <remarks>
/// A pausing policy (one that is also an <see cref="ISlotPolicy"/>, e.g. freeze-thaw or ASHA with promotion) may
/// pause a trial after an epoch; its worker is then free, and every free worker asks the policy, in worker-index
/// order, whether to start the next configuration, resume a paused trial or stay idle. A resumed trial continues at
/// its next epoch: resuming costs no extra epochs here (a real run pays for saving and loading a checkpoint), and
/// no epoch is trained or counted twice.
/// </remarks>
internal sealed class PoolSimulation
{
    private readonly LcBenchPool _pool;
    private readonly int[] _order;
    private readonly MetricSettings _metric;
    private readonly Worker[] _workers;
    private readonly List<TrialCurve> _curves = [];
    private readonly SortedDictionary<int, int> _paused = [];
    private readonly Dictionary<long, int> _numberOfPoolIndex = [];
    private int _next;
    private double _best = double.NegativeInfinity;

    public PoolSimulation(LcBenchPool pool, int[] order, int workers, int budget)
    {
        _pool = pool;
        _order = order;
        _metric = new MetricSettings(Hpo.Scheduler.Persistence.MetricDirection.Maximize, pool.Epochs, 0, 1);
        _workers = Enumerable.Range(0, workers).Select(_ => new Worker()).ToArray();
        Regret = new double[budget];
    }

    /// <summary>Regret after e epochs spent, at index e − 1.</summary>
    public double[] Regret { get; }

    public int Spent { get; private set; }

    public int TrialsStarted { get; private set; }

    /// <summary>How often a trial was paused (a trial may pause several times).</summary>
    public int Pauses { get; private set; }

    /// <summary>How often a paused trial was resumed.</summary>
    public int Resumes { get; private set; }

    /// <summary>Paused trials the slot policy ended for good.</summary>
    public int StoppedForGood { get; private set; }

    /// <summary>Trials paused when the run ended.</summary>
    public int PausedAtEnd => _paused.Count;

    public bool Done { get; private set; }

    /// <summary>Whether the run ran out of work before the budget: the pool was used up (or the slot policy left every worker idle); the regret then stays at its last value.</summary>
    public bool PoolExhausted { get; private set; }

    /// <summary>Every started trial's curve so far, by trial number (what was trained: one entry per epoch).</summary>
    public IReadOnlyList<TrialCurve> Curves => _curves;

    /// <summary>The paused trials' curves in trial-number order (what a slot policy is shown).</summary>
    public IReadOnlyList<TrialCurve> PausedCurves => _paused.Keys.Select(n => _curves[n - 1]).ToArray();

    /// <summary>The context a slot policy decides in now.</summary>
    public StoppingContext SlotContext => new(_metric, _curves, double.IsNegativeInfinity(_best) ? null : _best);

    /// <summary>Whether some worker is free (so that <see cref="Fill"/> would ask a slot policy).</summary>
    public bool HasFreeWorker => !Done && _workers.Any(w => w.PoolIndex < 0);

    /// <summary>
    /// The reports the next <see cref="Advance"/> will decide on, each with a context that has its best value
    /// (the decisions themselves are taken in <see cref="Advance"/>): lets a caller batch the model queries of
    /// many simulations before any of them decides. Call after <see cref="Fill"/>.
    /// </summary>
    public IEnumerable<(StoppingContext Context, TrialCurve Report)> Peek()
    {
        double best = _best;
        foreach (var w in _workers)
        {
            if (w.PoolIndex < 0)
            {
                continue;
            }

            int epoch = w.Epoch + 1;
            var curve = _pool.Curves[w.PoolIndex];
            best = Math.Max(best, curve[epoch - 1]);
            if (epoch < _pool.Epochs)
            {
                yield return (new StoppingContext(_metric, _curves, best), new TrialCurve(w.PoolIndex, w.Number, new ArraySegment<double>(curve, 0, epoch)));
            }
        }
    }

    /// <summary>Advances the clock by one unit: <see cref="Fill"/>, then <see cref="Advance"/>.</summary>
    public void Tick(IStoppingPolicy policy, CancellationToken cancellationToken)
    {
        Fill(policy, cancellationToken);
        Advance(policy, cancellationToken);
    }

    /// <summary>
    /// Gives every free worker work, in worker-index order: the next configuration of the ordering, or, under a
    /// pausing policy, what its <see cref="ISlotPolicy.ChooseSlot"/> answers.
    /// </summary>
    public void Fill(IStoppingPolicy policy, CancellationToken cancellationToken)
    {
        if (Done)
        {
            return;
        }

        var slots = policy as ISlotPolicy;
        foreach (var w in _workers)
        {
            if (w.PoolIndex >= 0)
            {
                continue;
            }

            bool canStartNew = _next < _order.Length;
            if (slots is null || (_paused.Count == 0 && canStartNew))
            {
                // Nothing paused: every slot policy starts a new configuration then (the contract tests check it),
                // so the simulation skips the question.
                if (canStartNew)
                {
                    StartNext(w);
                }

                continue;
            }

            var choice = slots.ChooseSlot(SlotContext, PausedCurves, canStartNew, cancellationToken);
            foreach (long id in choice.StopForGood)
            {
                if (_numberOfPoolIndex.TryGetValue(id, out int number) && _paused.Remove(number))
                {
                    StoppedForGood++;
                }
            }

            switch (choice.Action)
            {
                case SlotAction.StartNew when canStartNew:
                    StartNext(w);
                    break;
                case SlotAction.Resume:
                    int resumed = _numberOfPoolIndex.TryGetValue(choice.ResumeTrialId ?? -1, out int n) && _paused.Remove(n)
                        ? n
                        : throw new InvalidOperationException($"{policy.Name} resumed trial {choice.ResumeTrialId}, which is not paused.");
                    var curve = _curves[resumed - 1];
                    (w.PoolIndex, w.Number, w.Epoch) = (checked((int)curve.TrialId), resumed, curve.Epoch);
                    Resumes++;
                    break;
            }
        }
    }

    /// <summary>Every busy worker trains one epoch; the policy decides on each in worker-index order.</summary>
    public void Advance(IStoppingPolicy policy, CancellationToken cancellationToken)
    {
        if (Done)
        {
            return;
        }

        bool busy = false;
        foreach (var w in _workers)
        {
            if (w.PoolIndex < 0)
            {
                continue;
            }

            busy = true;
            int epoch = ++w.Epoch;
            var curve = _pool.Curves[w.PoolIndex];
            _best = Math.Max(_best, curve[epoch - 1]);
            Regret[Spent++] = _pool.Target - _best;
            var report = new TrialCurve(w.PoolIndex, w.Number, new ArraySegment<double>(curve, 0, epoch));
            _curves[w.Number - 1] = report;
            if (Spent == Regret.Length)
            {
                Done = true;
                return;
            }

            if (epoch == _pool.Epochs)
            {
                w.PoolIndex = -1;
                continue;
            }

            var decision = policy.Decide(new StoppingContext(_metric, _curves, _best), [report], cancellationToken)[0];
            if (decision.ShouldStop)
            {
                w.PoolIndex = -1;
            }
            else if (decision.ShouldPause)
            {
                _paused.Add(w.Number, w.PoolIndex);
                Pauses++;
                w.PoolIndex = -1;
            }
        }

        if (!busy)
        {
            // Out of work before the budget: nothing more is observed, so the regret stays put.
            Done = true;
            PoolExhausted = true;
            double last = Spent > 0 ? Regret[Spent - 1] : _pool.Target;
            Array.Fill(Regret, last, Spent, Regret.Length - Spent);
        }
    }

    private void StartNext(Worker w)
    {
        w.PoolIndex = _order[_next++];
        w.Epoch = 0;
        w.Number = ++TrialsStarted;
        _numberOfPoolIndex[w.PoolIndex] = w.Number;
        _curves.Add(new TrialCurve(w.PoolIndex, w.Number, []));
    }

    private sealed class Worker
    {
        public int PoolIndex { get; set; } = -1;

        public int Epoch { get; set; }

        public int Number { get; set; }
    }
}
