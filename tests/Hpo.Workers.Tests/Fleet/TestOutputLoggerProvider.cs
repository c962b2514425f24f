using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hpo.Workers.Tests.Fleet;

/// <summary>Writes in-process workers' logs to the test's output, so a failing fleet test shows what each worker did.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, string worker) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, worker, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output, string worker, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            try
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} {worker} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.GetBaseException().Message)}"));
            }
            catch (InvalidOperationException)
            {
                // The test has ended; late log lines from stopping servers are dropped.
            }
        }
    }
}
