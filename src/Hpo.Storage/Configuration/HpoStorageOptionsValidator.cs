using Hpo.Storage.Connections;
using Microsoft.Extensions.Options;

namespace Hpo.Storage.Configuration;

/// <summary>Rejects <see cref="HpoStorageOptions"/> that cannot work, naming the setting.</summary>
public sealed class HpoStorageOptionsValidator : IValidateOptions<HpoStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HpoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Connection))
        {
            failures.Add($"{nameof(HpoStorageOptions.Connection)} is empty: give a PostgreSQL connection string or URI, or a SQLite file path.");
        }
        else
        {
            try
            {
                HpoConnection.Parse(options.Connection, options.ApplicationName);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{nameof(HpoStorageOptions.Connection)}: {ex.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ApplicationName))
        {
            failures.Add($"{nameof(HpoStorageOptions.ApplicationName)} is empty.");
        }

        Check(failures, options.MaxAttempts is >= 1 and <= 100, nameof(HpoStorageOptions.MaxAttempts), "must be 1–100");
        Check(failures, options.RetryBaseDelay >= TimeSpan.Zero && options.RetryBaseDelay <= options.RetryMaxDelay, nameof(HpoStorageOptions.RetryBaseDelay), "must be ≥ 0 and ≤ RetryMaxDelay");
        Check(failures, options.RetryMaxDelay <= TimeSpan.FromMinutes(5), nameof(HpoStorageOptions.RetryMaxDelay), "must be ≤ 5 minutes");
        Check(failures, options.SqliteBusyTimeout >= TimeSpan.FromSeconds(1), nameof(HpoStorageOptions.SqliteBusyTimeout), "must be ≥ 1 s");
        Check(failures, options.MaxBatchSize is >= 1 and <= 5000, nameof(HpoStorageOptions.MaxBatchSize), "must be 1–5,000 (both engines cap the parameters of one statement)");
        Check(failures, options.MaxJsonBytes is >= 1024 and <= 64 * 1024 * 1024, nameof(HpoStorageOptions.MaxJsonBytes), "must be 1 KiB–64 MiB");
        Check(failures, options.MaxParametersBytes is >= 64 and <= 16 * 1024 * 1024, nameof(HpoStorageOptions.MaxParametersBytes), "must be 64 B–16 MiB");
        Check(failures, options.MaxTextLength is >= 16 and <= 1_000_000, nameof(HpoStorageOptions.MaxTextLength), "must be 16–1,000,000");
        Check(failures, options.MaxEpochsLimit is >= 1 and <= 10_000_000, nameof(HpoStorageOptions.MaxEpochsLimit), "must be 1–10,000,000");
        Check(failures, options.MaxPageSize is >= 1 and <= 100_000, nameof(HpoStorageOptions.MaxPageSize), "must be 1–100,000");
        Check(failures, options.MaxCurveTrials is >= 1 and <= 1_000_000, nameof(HpoStorageOptions.MaxCurveTrials), "must be 1–1,000,000");
        Check(failures, options.MaxCheckpointBytes is >= 1024 and <= 1024L * 1024 * 1024, nameof(HpoStorageOptions.MaxCheckpointBytes), "must be 1 KiB–1 GiB");
        Check(failures, options.CheckpointInlineBytes >= 0 && options.CheckpointInlineBytes <= options.MaxCheckpointBytes, nameof(HpoStorageOptions.CheckpointInlineBytes), "must be ≥ 0 and ≤ MaxCheckpointBytes");
        Check(failures, options.CheckpointFolder is null || !string.IsNullOrWhiteSpace(options.CheckpointFolder), nameof(HpoStorageOptions.CheckpointFolder), "must be null or a folder path");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, bool ok, string setting, string rule)
    {
        if (!ok)
        {
            failures.Add($"{setting} {rule}.");
        }
    }
}
