using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Tests.Deciding;

/// <summary>
/// Counts the calls made to a real store, and the observation rows its reads return, so a test can tell what a
/// decision costs. A proxy, so every store method is counted the same way.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives the proxy type from this class at run time.
internal class CountingStore : DispatchProxy
#pragma warning restore CA1852
{
    private IExperimentStore _inner = null!;
    private ConcurrentDictionary<string, int> _calls = new();
    private long _rows;

    /// <summary>Calls per store method since the last <see cref="Reset"/>.</summary>
    public IReadOnlyDictionary<string, int> Calls => new SortedDictionary<string, int>(_calls);

    /// <summary>Observation rows returned (curve reads and change reads) since the last <see cref="Reset"/>.</summary>
    public long ObservationRowsRead => Interlocked.Read(ref _rows);

    public static (IExperimentStore Store, CountingStore Counter) Wrap(IExperimentStore inner)
    {
        IExperimentStore proxy = Create<IExperimentStore, CountingStore>();
        var counter = (CountingStore)(object)proxy;
        counter._inner = inner;
        return (proxy, counter);
    }

    public void Reset()
    {
        _calls = new ConcurrentDictionary<string, int>();
        Interlocked.Exchange(ref _rows, 0);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        _calls.AddOrUpdate(targetMethod.Name, 1, (_, n) => n + 1);
        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }

        return result switch
        {
            Task<ObservationChanges> changes => CountAsync(changes, c => c.Observations.Count),
            Task<IReadOnlyDictionary<long, IReadOnlyList<ObservationRecord>>> curves => CountAsync(curves, c => c.Values.Sum(v => v.Count)),
            _ => result,
        };
    }

    private async Task<T> CountAsync<T>(Task<T> task, Func<T, int> rows)
    {
        var value = await task;
        Interlocked.Add(ref _rows, rows(value));
        return value;
    }
}
