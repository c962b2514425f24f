using Hpo.Storage.Configuration;
using Hpo.Storage.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hpo.Storage.Resilience;

/// <summary>
/// Runs one store operation per attempt on a fresh connection and retries transient failures.
/// A retry is safe when the transaction certainly did not commit (the failure came before COMMIT was sent),
/// or when the operation is idempotent by natural key (observations, decisions, heartbeats, finishing) so a
/// commit whose acknowledgement was lost is simply found again. Other operations surface an ambiguous commit.
/// </summary>
internal sealed partial class StoreExecutor
{
    private readonly StorageConnectionFactory _connections;
    private readonly HpoStorageOptions _options;
    private readonly ILogger _logger;

    public StoreExecutor(StorageConnectionFactory connections, IOptions<HpoStorageOptions> options, ILogger<StoreExecutor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connections = connections;
        _options = options.Value;
        _logger = logger ?? NullLogger<StoreExecutor>.Instance;
    }

    public SqlDialect Dialect => _connections.Dialect;

    /// <summary>A read: no transaction, always safe to retry.</summary>
    public Task<T> ReadAsync<T>(string operation, Func<SqlSession, CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        RunAsync(operation, transactional: false, idempotent: true, body, cancellationToken);

    /// <summary>
    /// A write whose one writing statement commits by itself (reads may follow it): no BEGIN or COMMIT, so a
    /// round trip less. A lost acknowledgement leaves the outcome unknown, so only writes that are idempotent by
    /// natural key (a retry finds its own rows) may use this.
    /// </summary>
    public Task<T> IdempotentStatementAsync<T>(string operation, Func<SqlSession, CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        RunAsync(operation, transactional: false, idempotent: true, body, cancellationToken);

    /// <summary>
    /// A write of one statement that commits by itself and is not idempotent (reads may follow it): no BEGIN or COMMIT,
    /// so the row locks it takes are held while it runs, not across a round trip to COMMIT. Once the body has started a
    /// failure is not retried (the statement may have committed), as a transaction's is not once COMMIT was sent.
    /// </summary>
    public Task<T> SingleStatementWriteAsync<T>(string operation, Func<SqlSession, CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        RunAsync(operation, transactional: false, idempotent: false, body, cancellationToken);

    /// <summary>A write in one transaction.</summary>
    public Task<T> WriteAsync<T>(string operation, bool idempotent, Func<SqlSession, CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        RunAsync(operation, transactional: true, idempotent, body, cancellationToken);

    private async Task<T> RunAsync<T>(string operation, bool transactional, bool idempotent, Func<SqlSession, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            bool commitSent = false;
            try
            {
                await using var connection = await _connections.OpenAsync(cancellationToken);
                if (!transactional)
                {
                    commitSent = !idempotent;
                    return await body(new SqlSession(connection, null, Dialect), cancellationToken);
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                T result = await body(new SqlSession(connection, transaction, Dialect), cancellationToken);
                commitSent = true;
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception ex) when (attempt < _options.MaxAttempts && (idempotent || !commitSent) && !cancellationToken.IsCancellationRequested && TransientErrors.IsTransient(ex))
            {
                if (TransientErrors.IsConnectionLoss(ex))
                {
                    _connections.ClearPool();
                }

                TimeSpan delay = Backoff(attempt);
                LogRetry(operation, attempt, _options.MaxAttempts, delay.TotalMilliseconds, ex.Message);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        double exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        double capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);

        // Jitter keeps many workers that failed together from retrying together.
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble()));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient database error in {Operation} (attempt {Attempt} of {MaxAttempts}); retrying in {DelayMs:F0} ms: {Error}")]
    private partial void LogRetry(string operation, int attempt, int maxAttempts, double delayMs, string error);
}
