using Hpo.Scheduler.Stopping;

namespace Hpo.Benchmarks;

/// <summary>
/// One ordering of one pool trained by W simulated workers under a stopping policy (lcbench-protocol.md):
/// the clock advances one unit at a time, every busy worker finishes one epoch per unit, reports are
/// handled in worker-index order (each decision sees the reports of lower-index workers of the same
/// unit), a free worker starts the next configuration of the ordering, and the run ends when the epoch
/// budget is spent. With one worker this is the vertical protocol.
/// </summary>
internal sealed class PoolSimulation
{
    private readonly LcBenchPool _pool;
    private readonly int[] _order;
    private readonly MetricSettings _metric;
    private readonly Worker[] _workers;
    private readonly List<TrialCurve> _curves = [];
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

    public bool Done { get; private set; }

    /// <summary>Whether the pool ran out before the budget (the regret then stays at its last value).</summary>
    public bool PoolExhausted { get; private set; }

    /// <summary>
    /// The reports the next <see cref="Tick"/> will decide on, each with a context that has its best value
    /// (the decisions themselves are taken in <see cref="Tick"/>): lets a caller batch the model queries of
    /// many simulations before any of them decides.
    /// </summary>
    public IEnumerable<(StoppingContext Context, TrialCurve Report)> Peek()
    {
        StartFreeWorkers();
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

    /// <summary>Advances the clock by one unit.</summary>
    public void Tick(IStoppingPolicy policy, CancellationToken cancellationToken)
    {
        if (Done)
        {
            return;
        }

        StartFreeWorkers();
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

            if (epoch == _pool.Epochs || policy.Decide(new StoppingContext(_metric, _curves, _best), [report], cancellationToken)[0].ShouldStop)
            {
                w.PoolIndex = -1;
            }
        }

        if (!busy)
        {
            // The pool ran out before the budget: nothing more is observed, so the regret stays put.
            Done = true;
            PoolExhausted = true;
            double last = Spent > 0 ? Regret[Spent - 1] : _pool.Target;
            Array.Fill(Regret, last, Spent, Regret.Length - Spent);
        }
    }

    private void StartFreeWorkers()
    {
        foreach (var w in _workers)
        {
            if (w.PoolIndex < 0 && _next < _order.Length)
            {
                w.PoolIndex = _order[_next++];
                w.Epoch = 0;
                w.Number = ++TrialsStarted;
                _curves.Add(new TrialCurve(w.PoolIndex, w.Number, []));
            }
        }
    }

    private sealed class Worker
    {
        public int PoolIndex { get; set; } = -1;

        public int Epoch { get; set; }

        public int Number { get; set; }
    }
}
