using System.Collections;

namespace Hpo.Scheduler.Stopping;

/// <summary>
/// A context's list of every trial's curve, built only if the policy reads it.
/// </summary>
/// <remarks>
/// A fleet worker's view of an experiment holds every trial's curve, and most decisions (the LC-PFN's) read only the
/// best value and the reporting trials: building the whole list for each decision made a decision cost O(trials),
/// and the fleet slowed down by a third over a 100,000-observation experiment. The owner must keep the curves still
/// while the policy runs and <see cref="Close"/> the list after it: a policy that kept its context cannot build
/// the list later from curves that have moved on.
/// </remarks>
internal sealed class DeferredCurveList(Func<IReadOnlyList<TrialCurve>> build) : IReadOnlyList<TrialCurve>
{
    private IReadOnlyList<TrialCurve>? _curves;
    private bool _closed;

    /// <summary>Whether a reader made the list be built.</summary>
    public bool IsBuilt => _curves is not null;

    public int Count => Curves.Count;

    public TrialCurve this[int index] => Curves[index];

    public IEnumerator<TrialCurve> GetEnumerator() => Curves.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Ends the time in which the list may be built (the decision is over).</summary>
    public void Close() => _closed = true;

    private IReadOnlyList<TrialCurve> Curves => _curves ??= _closed
        ? throw new InvalidOperationException("A stopping context's curves were read after its decision ended; a policy must not keep its context.")
        : build();
}
