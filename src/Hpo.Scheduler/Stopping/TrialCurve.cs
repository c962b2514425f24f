namespace Hpo.Scheduler.Stopping;

/// <summary>A trial's learning curve so far, in metric units.</summary>
/// <param name="TrialId">The trial's store id.</param>
/// <param name="Number">The trial's 1-based number within its experiment (Hyperband assigns brackets by it).</param>
/// <param name="Values">The metric after epochs 1, 2, …, <see cref="Epoch"/>.</param>
public sealed record TrialCurve(long TrialId, int Number, IReadOnlyList<double> Values)
{
    /// <summary>The last epoch reported (the curve's length).</summary>
    public int Epoch => Values.Count;
}
