using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;

namespace Hpo.Benchmarks;

/// <summary>
/// The oracle of lcbench-protocol.md, benchmark-only: it knows every curve of the pool and stops a run
/// after epoch T exactly when no later epoch of that run beats the best value observed so far. A run
/// that will never beat the best costs one epoch; any other runs up to the epoch of its maximum. No
/// stopping rule can reach a low regret with fewer epochs, so it bounds every policy's speed-up.
/// </summary>
/// <remarks>Trial ids must be pool indices (the benchmark simulations use them so).</remarks>
public sealed class OracleStoppingPolicy : IStoppingPolicy
{
    private readonly LcBenchPool _pool;

    /// <summary>Creates the oracle for <paramref name="pool"/>.</summary>
    public OracleStoppingPolicy(LcBenchPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
    }

    /// <inheritdoc />
    public string Name => "oracle";

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        double best = context.BestSoFar ?? double.NegativeInfinity;
        var decisions = new StoppingDecision[reports.Count];
        for (int i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            double future = _pool.SuffixMax[checked((int)report.TrialId)][report.Epoch - 1];
            decisions[i] = future > best
                ? new StoppingDecision(DecisionAction.Continue, "a later epoch beats the best so far")
                : new StoppingDecision(DecisionAction.Stop, "no later epoch beats the best so far");
        }

        return decisions;
    }
}
