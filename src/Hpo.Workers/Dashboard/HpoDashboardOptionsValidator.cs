using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard;

/// <summary>Checks <see cref="HpoDashboardOptions"/>; each failure names the setting and says how to fix it.</summary>
public sealed class HpoDashboardOptionsValidator : IValidateOptions<HpoDashboardOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HpoDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The problems with <paramref name="options"/>, empty when they are valid.</summary>
    /// <param name="options">The options to check.</param>
    public static IReadOnlyList<string> Check(HpoDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ApiKey is { } key)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                failures.Add($"ApiKey is empty: set a key of at least {HpoDashboardOptions.MinimumApiKeyLength} characters (e.g. from 'openssl rand -hex 16') or leave it unset.");
            }
            else if (key.Length < HpoDashboardOptions.MinimumApiKeyLength)
            {
                failures.Add($"ApiKey has {key.Length} characters; at least {HpoDashboardOptions.MinimumApiKeyLength} are required so that it cannot be guessed.");
            }
            else if (key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                failures.Add("ApiKey contains whitespace or control characters; it must travel unchanged in an HTTP header and a URL.");
            }
        }

        if (options.HasBasicAuth)
        {
            if (string.IsNullOrWhiteSpace(options.BasicAuthUserName))
            {
                failures.Add("BasicAuthUserName is empty: basic auth needs both a user name and a password.");
            }
            else if (options.BasicAuthUserName.Contains(':', StringComparison.Ordinal))
            {
                failures.Add("BasicAuthUserName contains ':', which HTTP basic auth cannot carry in a user name.");
            }

            if (string.IsNullOrEmpty(options.BasicAuthPassword))
            {
                failures.Add("BasicAuthPassword is empty: basic auth needs both a user name and a password.");
            }
            else if (options.BasicAuthPassword.Length < HpoDashboardOptions.MinimumPasswordLength)
            {
                failures.Add($"BasicAuthPassword has {options.BasicAuthPassword.Length} characters; at least {HpoDashboardOptions.MinimumPasswordLength} are required.");
            }
        }

        if (!options.AllowLocalRequestsWithoutCredential && !options.HasCredential)
        {
            failures.Add("AllowLocalRequestsWithoutCredential is false but no ApiKey or basic auth is configured: nobody could open the dashboard.");
        }

        if (options.PollIntervalSeconds is < 1 or > 300)
        {
            failures.Add($"PollIntervalSeconds is {options.PollIntervalSeconds}; it must be between 1 and 300.");
        }

        if (string.IsNullOrWhiteSpace(options.HangfirePath) || !options.HangfirePath.StartsWith('/') || options.HangfirePath.Length < 2 || options.HangfirePath.EndsWith('/'))
        {
            failures.Add($"HangfirePath '{options.HangfirePath}' must start with '/', name a folder and not end with '/', e.g. '/hangfire'.");
        }
        else if (IsReserved(options.HangfirePath))
        {
            failures.Add($"HangfirePath '{options.HangfirePath}' collides with the dashboard's own routes (/api, /experiments, /trials, /_hpo).");
        }

        if (options.ModelPath is not null && (string.IsNullOrWhiteSpace(options.ModelPath) || !File.Exists(options.ModelPath)))
        {
            failures.Add($"ModelPath '{options.ModelPath}' is not an existing LC-PFN model file (.lcpfn); give a model file or leave it unset to show curves without forecasts.");
        }

        if (options.ForecastCacheSize is < 1 or > 1_000_000)
        {
            failures.Add($"ForecastCacheSize is {options.ForecastCacheSize}; it must be between 1 and 1000000.");
        }

        return failures;
    }

    private static bool IsReserved(string path)
    {
        string[] reserved = ["/api", "/experiments", "/trials", "/_hpo"];
        return reserved.Any(r => path.Equals(r, StringComparison.OrdinalIgnoreCase) || path.StartsWith(r + "/", StringComparison.OrdinalIgnoreCase));
    }
}
