namespace Hpo.Scheduler.Stopping;

/// <summary>
/// An append-only curve whose snapshots share its storage: a snapshot only reads indices below its
/// own count, which later appends never touch (growth copies into a new array), so a decision can
/// read curves outside the lock while other trials report, and building a context costs O(trials).
/// </summary>
internal sealed class CurveBuffer(long trialId, int number)
{
    private double[] _values = new double[16];
    private TrialCurve? _snapshot;

    public int Count { get; private set; }

    public double this[int index] => _values[index];

    public void Add(double value)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[Count++] = value;
        _snapshot = null;
    }

    public TrialCurve Snapshot() => _snapshot ??= new TrialCurve(trialId, number, new ArraySegment<double>(_values, 0, Count));
}
