using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Hpo.Scheduler.Persistence;

namespace Hpo.Workers.Tests.Executor;

/// <summary>
/// A store whose database can be taken down for a while: every call fails with a <see cref="DbException"/>, as
/// when the server restarts, then works again. A proxy, so every store method goes through the same switch.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives the proxy type from this class at run time.
internal class OutageStore : DispatchProxy
#pragma warning restore CA1852
{
    private IExperimentStore _inner = null!;
    private long _downUntil;
    private int _failures;

    /// <summary>Calls refused while the database was down.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Wraps <paramref name="inner"/>; returns the store to use and its switch.</summary>
    public static (IExperimentStore Store, OutageStore Database) Wrap(IExperimentStore inner)
    {
        IExperimentStore proxy = Create<IExperimentStore, OutageStore>();
        var database = (OutageStore)(object)proxy;
        database._inner = inner;
        return (proxy, database);
    }

    /// <summary>Refuses every call for <paramref name="duration"/> from now.</summary>
    public void GoDown(TimeSpan duration) =>
        Volatile.Write(ref _downUntil, Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency));

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (Stopwatch.GetTimestamp() < Volatile.Read(ref _downUntil))
        {
            Interlocked.Increment(ref _failures);
            throw new UnreachableException($"{targetMethod.Name}: the database is restarting.");
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    private sealed class UnreachableException(string message) : DbException(message);
}
