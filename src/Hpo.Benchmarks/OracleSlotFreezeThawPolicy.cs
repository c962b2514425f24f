using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.FreezeThaw;

namespace Hpo.Benchmarks;

/// <summary>
/// Benchmark-only bound on freeze-thaw's acquisition: after each epoch it decides exactly as the product's
/// <c>freeze-thaw</c> policy (LC-PFN: continue, pause at a rung, or stop for good below δ), but at a free slot it knows
/// every curve of the pool: it resumes the paused trial whose later epochs reach the highest value when that value beats
/// the best so far, and otherwise starts a new configuration. No acquisition that sees only the curves so far can choose
/// better between the same paused trials, so the gap between this and <c>freeze-thaw</c> is what a better acquisition
/// could win with the LC-PFN's stopping decisions as they are.
/// </summary>
/// <remarks>Trial ids must be pool indices (the benchmark simulations use them so).</remarks>
internal sealed class OracleSlotFreezeThawPolicy : IStoppingPolicy, ISlotPolicy
{
    private readonly LcBenchPool _pool;

    public OracleSlotFreezeThawPolicy(FreezeThawStoppingPolicy inner, LcBenchPool pool)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(pool);
        Inner = inner;
        _pool = pool;
    }

    /// <summary>The policy whose decisions after each epoch this one takes.</summary>
    public FreezeThawStoppingPolicy Inner { get; }

    public string Name => "freeze-thaw-oracle-slot";

    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default) =>
        Inner.Decide(context, reports, cancellationToken);

    public SlotChoice ChooseSlot(StoppingContext context, IReadOnlyList<TrialCurve> paused, bool canStartNew, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(paused);
        double best = context.BestSoFar ?? double.NegativeInfinity;
        TrialCurve? pick = null;
        double pickFuture = double.NegativeInfinity;
        foreach (var curve in paused)
        {
            double future = _pool.SuffixMax[checked((int)curve.TrialId)][curve.Epoch - 1];
            if (future > pickFuture)
            {
                (pick, pickFuture) = (curve, future);
            }
        }

        if (pick is not null && (pickFuture > best || !canStartNew))
        {
            return SlotChoice.Resume(pick.TrialId, "a later epoch beats the best so far");
        }

        return canStartNew ? SlotChoice.StartNew("no paused trial will beat the best so far") : SlotChoice.Idle("nothing to run");
    }
}
