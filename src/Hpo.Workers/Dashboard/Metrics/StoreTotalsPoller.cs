using Hpo.Scheduler.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard.Metrics;

/// <summary>
/// Reads the store's totals at start and then every <see cref="DashboardMetricsOptions.RefreshInterval"/> into
/// <see cref="StoreTotalsMeter"/>. Observable instruments are read synchronously during a scrape, so the database
/// is asked here, ahead of time, never inside a scrape. A failed read keeps the previous totals and is logged.
/// </summary>
internal sealed partial class StoreTotalsPoller(
    IServiceScopeFactory scopes,
    StoreTotalsMeter meter,
    IOptions<DashboardMetricsOptions> options,
    TimeProvider time,
    ILogger<StoreTotalsPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval = options.Value.RefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A scope per read: the store may be scoped (an EF Core context per request).
                await using AsyncServiceScope scope = scopes.CreateAsyncScope();
                StoreTotals totals = await scope.ServiceProvider.GetRequiredService<IExperimentStore>().GetTotalsAsync(stoppingToken);
                meter.Update(totals);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogReadFailed(logger, ex, interval.TotalSeconds);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the store's totals for /metrics failed; the scrape shows the previous totals, next try in {Seconds} s")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, double seconds);
}
