using Hangfire.Logging;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>
/// Hangfire keeps its log provider in process-wide state; by default it wraps the logger factory of the
/// host that configured it last, which is disposed with that host while other test hosts still run. Test
/// hosts use this provider instead, which owns nothing that can be disposed.
/// </summary>
internal sealed class SilentHangfireLogProvider : ILogProvider
{
    public ILog GetLogger(string name) => new SilentLog();

    private sealed class SilentLog : ILog
    {
        public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
