using System.Diagnostics;
using System.Globalization;
using Hangfire.Server;
using Microsoft.Extensions.Logging;

namespace Hpo.Workers.Filters;

/// <summary>
/// Gives every job a logging scope (job id, job, arguments, retry count, worker) and logs how it ended
/// and how long it took, so a trial's lines can be followed across workers and attempts.
/// </summary>
internal sealed partial class JobLoggingFilter(ILogger<JobLoggingFilter> logger, string workerName) : IServerFilter
{
    private const string ScopeKey = "hpo.log-scope";
    private const string StartedKey = "hpo.started";

    public void OnPerforming(PerformingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int retry = context.GetJobParameter<int>("RetryCount", allowStale: true);
        string job = $"{context.BackgroundJob.Job.Type.Name}.{context.BackgroundJob.Job.Method.Name}";
        string args = string.Join(", ", context.BackgroundJob.Job.Args.Where(a => a is long or int or string).Select(a => Convert.ToString(a, CultureInfo.InvariantCulture)));
        context.Items[ScopeKey] = logger.BeginScope(new Dictionary<string, object>
        {
            ["JobId"] = context.BackgroundJob.Id,
            ["Job"] = job,
            ["JobArgs"] = args,
            ["RetryCount"] = retry,
            ["Worker"] = workerName,
        });
        context.Items[StartedKey] = Stopwatch.GetTimestamp();
        LogStarted(logger, context.BackgroundJob.Id, job, args, retry + 1);
    }

    public void OnPerformed(PerformedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double ms = context.Items.TryGetValue(StartedKey, out var started) && started is long ts ? Stopwatch.GetElapsedTime(ts).TotalMilliseconds : 0;
        if (context.Exception is { } ex && !context.ExceptionHandled && ex.GetBaseException() is not OperationCanceledException)
        {
            LogFailed(logger, context.BackgroundJob.Id, ms, ex.GetBaseException().Message);
        }
        else if (context.Canceled || context.Exception is not null)
        {
            LogCanceled(logger, context.BackgroundJob.Id, ms);
        }
        else
        {
            LogDone(logger, context.BackgroundJob.Id, ms);
        }

        if (context.Items.TryGetValue(ScopeKey, out var scope) && scope is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {Job}({JobArgs}) started, attempt {Attempt}")]
    private static partial void LogStarted(ILogger logger, string jobId, string job, string jobArgs, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} done in {Milliseconds:F0} ms")]
    private static partial void LogDone(ILogger logger, string jobId, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} cancelled after {Milliseconds:F0} ms (shutdown, or another server took the job over); its trial stays resumable")]
    private static partial void LogCanceled(ILogger logger, string jobId, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed after {Milliseconds:F0} ms: {Error}")]
    private static partial void LogFailed(ILogger logger, string jobId, double milliseconds, string error);
}
