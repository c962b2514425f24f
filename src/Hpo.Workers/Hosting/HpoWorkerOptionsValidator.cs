using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Hosting;

/// <summary>Rejects <see cref="HpoWorkerOptions"/> that cannot work, naming the setting.</summary>
public sealed partial class HpoWorkerOptionsValidator : IValidateOptions<HpoWorkerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HpoWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, options.Concurrency is >= 1 and <= 256, nameof(HpoWorkerOptions.Concurrency), "must be 1–256");
        Check(failures, !string.IsNullOrWhiteSpace(options.WorkerName) && options.WorkerName.Length <= 200, nameof(HpoWorkerOptions.WorkerName), "must be 1–200 characters");
        Check(failures, options.LeaseDuration >= TimeSpan.FromSeconds(1), nameof(HpoWorkerOptions.LeaseDuration), "must be at least 1 s");

        // Three beats per lease, so one lost heartbeat never costs the lease.
        Check(failures, options.HeartbeatInterval > TimeSpan.Zero && options.HeartbeatInterval * 3 <= options.LeaseDuration, nameof(HpoWorkerOptions.HeartbeatInterval), "must be positive and at most a third of LeaseDuration");
        Check(failures, options.RetryAttempts is >= 0 and <= 10, nameof(HpoWorkerOptions.RetryAttempts), "must be 0–10");
        Check(failures, options.RetryDelay >= TimeSpan.Zero && options.RetryDelay <= TimeSpan.FromHours(1), nameof(HpoWorkerOptions.RetryDelay), "must be 0 s–1 h");
        Check(failures, QueueName().IsMatch(options.Queue ?? string.Empty), nameof(HpoWorkerOptions.Queue), "must be 1–50 lower-case letters, digits or underscores (Hangfire's rule)");
        Check(failures, options.InvisibilityTimeout >= TimeSpan.FromSeconds(1), nameof(HpoWorkerOptions.InvisibilityTimeout), "must be at least 1 s");
        Check(failures, options.PollInterval >= TimeSpan.FromMilliseconds(100) && options.PollInterval <= TimeSpan.FromMinutes(5), nameof(HpoWorkerOptions.PollInterval), "must be 100 ms–5 min");
        Check(failures, options.SweepInterval >= TimeSpan.FromSeconds(1), nameof(HpoWorkerOptions.SweepInterval), "must be at least 1 s");
        Check(failures, options.OrphanedPendingAfter >= TimeSpan.FromSeconds(1), nameof(HpoWorkerOptions.OrphanedPendingAfter), "must be at least 1 s");
        Check(failures, options.MaxOutage >= TimeSpan.Zero, nameof(HpoWorkerOptions.MaxOutage), "must not be negative");
        Check(failures, options.ShutdownTimeout >= TimeSpan.Zero, nameof(HpoWorkerOptions.ShutdownTimeout), "must not be negative");
        Check(failures, options.EpochDelay >= TimeSpan.Zero && options.EpochDelay <= TimeSpan.FromHours(1), nameof(HpoWorkerOptions.EpochDelay), "must be 0 s–1 h");
        Check(failures, !string.IsNullOrWhiteSpace(options.HangfireSchema), nameof(HpoWorkerOptions.HangfireSchema), "must not be empty");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, bool ok, string setting, string rule)
    {
        if (!ok)
        {
            failures.Add($"{setting} {rule}.");
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,50}$")]
    private static partial Regex QueueName();
}
