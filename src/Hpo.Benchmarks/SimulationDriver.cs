using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Benchmarks;

/// <summary>
/// Runs all orderings of one pool under one policy in lock-step, so that the LC-PFN queries of every
/// ordering's next clock unit go to the model in one batch (through <see cref="MemoizingCurvePredictor.Prefetch"/>)
/// before the policy decides each ordering from the remembered answers.
/// </summary>
internal static class SimulationDriver
{
    public static PoolSimulation[] Run(
        LcBenchPool pool,
        IStoppingPolicy policy,
        IReadOnlyList<int[]> orderings,
        int workers,
        int budget,
        MemoizingCurvePredictor? memo,
        Action<int>? onTick,
        CancellationToken cancellationToken)
    {
        var simulations = orderings.Select(o => new PoolSimulation(pool, o, workers, budget)).ToArray();
        var lcpfn = policy as LcPfnStoppingPolicy;
        int tick = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var active = simulations.Where(s => !s.Done).ToArray();
            if (active.Length == 0)
            {
                return simulations;
            }

            if (lcpfn is not null && memo is not null)
            {
                var queries = active.SelectMany(s => s.Peek())
                    .SelectMany(p => lcpfn.PlanQueries(p.Context, [p.Report]))
                    .ToArray();
                if (queries.Length > 0)
                {
                    memo.Prefetch(queries, cancellationToken);
                }
            }

            foreach (var s in active)
            {
                s.Tick(policy, cancellationToken);
            }

            onTick?.Invoke(++tick);
        }
    }
}
