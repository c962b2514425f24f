using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.FreezeThaw;
using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Benchmarks;

/// <summary>
/// Runs all orderings of one pool under one policy in lock-step, so that the LC-PFN queries of every
/// ordering's next clock unit go to the model in one batch (through <see cref="MemoizingCurvePredictor.Prefetch"/>)
/// before the policy decides each ordering from the remembered answers. A clock unit has two phases, each batched:
/// the free slots' choices (pausing policies) and the decisions after the epoch.
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
        Func<StoppingContext, TrialCurve, IReadOnlyList<CurveQuery>>? decisionQueries = policy switch
        {
            LcPfnStoppingPolicy lcpfn => (c, r) => lcpfn.PlanQueries(c, [r]),
            FreezeThawStoppingPolicy ft => (c, r) => ft.PlanQueries(c, [r]),
            OracleSlotFreezeThawPolicy oracleSlots => (c, r) => oracleSlots.Inner.PlanQueries(c, [r]),
            _ => null,
        };
        var freezeThaw = policy as FreezeThawStoppingPolicy;
        int tick = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var active = simulations.Where(s => !s.Done).ToArray();
            if (active.Length == 0)
            {
                return simulations;
            }

            if (freezeThaw is not null && memo is not null)
            {
                Prefetch(memo, active.Where(s => s.HasFreeWorker).SelectMany(s => freezeThaw.PlanSlotQueries(s.SlotContext, s.PausedCurves)), cancellationToken);
            }

            foreach (var s in active)
            {
                s.Fill(policy, cancellationToken);
            }

            if (decisionQueries is not null && memo is not null)
            {
                Prefetch(memo, active.SelectMany(s => s.Peek()).SelectMany(p => decisionQueries(p.Context, p.Report)), cancellationToken);
            }

            foreach (var s in active)
            {
                s.Advance(policy, cancellationToken);
            }

            onTick?.Invoke(++tick);
        }
    }

    private static void Prefetch(MemoizingCurvePredictor memo, IEnumerable<CurveQuery> queries, CancellationToken cancellationToken)
    {
        var batch = queries.ToArray();
        if (batch.Length > 0)
        {
            memo.Prefetch(batch, cancellationToken);
        }
    }
}
