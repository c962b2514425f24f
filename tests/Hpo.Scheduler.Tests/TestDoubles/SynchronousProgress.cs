namespace Hpo.Scheduler.Tests.TestDoubles;

/// <summary>An IProgress that records reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
internal sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_gate)
            {
                return _reports.ToArray();
            }
        }
    }

    public void Report(T value)
    {
        lock (_gate)
        {
            _reports.Add(value);
        }
    }
}
