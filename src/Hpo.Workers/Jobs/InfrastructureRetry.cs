using Hpo.Scheduler.Experiments;

namespace Hpo.Workers.Jobs;

/// <summary>
/// Retries short bookkeeping steps (advancing, enqueueing) through database blips inside the job, so an
/// outage does not spend the attempts that Hangfire keeps for a trial's own failures.
/// </summary>
internal static class InfrastructureRetry
{
    private const int Attempts = 8;

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> action, TimeProvider time, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < Attempts && TrialExecutor.IsInfrastructure(ex))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(4000, 250 << attempt)), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Task RunAsync(Action action, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync(
            _ =>
            {
                action();
                return Task.FromResult(true);
            },
            time,
            cancellationToken);
}
