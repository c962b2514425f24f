using Hangfire;
using Hangfire.AspNetCore;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Schema;
using Hpo.Workers.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hpo.Workers.Hosting;

/// <summary>
/// A worker process's engine: a Hangfire server on the fleet's queue running <see cref="HpoWorkerOptions.Concurrency"/>
/// trials at a time, the worker's heartbeat in the store, and (on one worker at a time) the fleet sweep.
/// Stopping asks running trials to stop at once; they are left resumable (their jobs return to the queue).
/// </summary>
public sealed partial class HpoWorkerService : IHostedService, IAsyncDisposable
{
    private readonly HangfireFleet _fleet;
    private readonly IExperimentStore _store;
    private readonly HpoDatabase _database;
    private readonly WorkerIdentity _identity;
    private readonly FleetSweeper _sweeper;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private BackgroundJobServer? _server;
    private Task _loop = Task.CompletedTask;

    /// <summary>Creates the service.</summary>
    public HpoWorkerService(HangfireFleet fleet, IExperimentStore store, HpoDatabase database, WorkerIdentity identity, FleetSweeper sweeper, IServiceScopeFactory scopes, TimeProvider timeProvider, ILogger<HpoWorkerService> logger)
    {
        _fleet = fleet;
        _store = store;
        _database = database;
        _identity = identity;
        _sweeper = sweeper;
        _scopes = scopes;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Checks the schema (migrating only when told), registers the worker and starts the Hangfire server.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await _store.UpsertWorkerAsync(_identity.Id, _identity.Host, cancellationToken).ConfigureAwait(false);
        var options = _fleet.Options;
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                ServerName = _identity.Id,
                WorkerCount = options.Concurrency,
                Queues = [options.Queue],
                FilterProvider = _fleet.Filters,
                Activator = new AspNetCoreJobActivator(_scopes),
                SchedulePollingInterval = options.PollInterval,
                ShutdownTimeout = options.ShutdownTimeout,
                HeartbeatInterval = options.HeartbeatInterval,
                CancellationCheckInterval = options.HeartbeatInterval,
            },
            _fleet.Storage);
        _loop = HeartbeatLoopAsync(_stopping.Token);
        LogStarted(_logger, _identity.Id, options.Concurrency, options.Queue, options.LeaseDuration.TotalSeconds);
    }

    /// <summary>Stops the server: running trials are cancelled at their next await and stay resumable.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_server is { } server)
        {
            server.SendStop();
            await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            server.Dispose();
            _server = null;
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation.
        }

        LogStopped(_logger, _identity.Id);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        var options = _fleet.Options;
        long lastSweep = _time.GetTimestamp();
        while (true)
        {
            await Task.Delay(options.HeartbeatInterval, _time, cancellationToken).ConfigureAwait(false);
            try
            {
                await _store.UpsertWorkerAsync(_identity.Id, _identity.Host, cancellationToken).ConfigureAwait(false);
                if (_time.GetElapsedTime(lastSweep) >= options.SweepInterval)
                {
                    lastSweep = _time.GetTimestamp();
                    await _sweeper.SweepAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database outage: the next beat tries again; the worker keeps running.
                LogBeatFailed(_logger, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} started: {Concurrency} trial(s) at a time from queue '{Queue}', lease {LeaseSeconds} s")]
    private static partial void LogStarted(ILogger logger, string worker, int concurrency, string queue, double leaseSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} stopped")]
    private static partial void LogStopped(ILogger logger, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker heartbeat or sweep failed; retrying at the next beat: {Error}")]
    private static partial void LogBeatFailed(ILogger logger, string error);
}
