namespace Hpo.Workers.Dashboard.Hosting;

/// <summary>Turns <c>hpo dashboard</c>'s arguments into dashboard settings, with messages a person can act on.</summary>
public static class DashboardCommandLine
{
    /// <summary>The environment variable read when <c>--api-key</c> is not given.</summary>
    public const string ApiKeyVariable = "HPO_DASHBOARD_API_KEY";

    /// <summary>The environment variable read when <c>--basic-auth</c> is not given (<c>user:password</c>).</summary>
    public const string BasicAuthVariable = "HPO_DASHBOARD_BASIC_AUTH";

    /// <summary>The listen URL used when none is given: this machine only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5000";

    /// <summary>Splits a <c>--urls</c> value (URLs separated by <c>;</c> or <c>,</c>, as ASP.NET Core accepts).</summary>
    /// <param name="urls">The value.</param>
    public static IReadOnlyList<string> SplitUrls(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// Builds the options from the arguments; <paramref name="apiKey"/> and <paramref name="basicAuth"/> are
    /// the values already resolved from the arguments or the environment (null when absent).
    /// </summary>
    /// <param name="apiKey">The API key.</param>
    /// <param name="basicAuth">Basic-auth credentials as <c>user:password</c>.</param>
    /// <param name="pollIntervalSeconds">How often the pages refresh.</param>
    /// <param name="hangfireActions">Whether the Hangfire dashboard may act on jobs.</param>
    /// <exception cref="FormatException"><paramref name="basicAuth"/> has no <c>:</c>.</exception>
    public static HpoDashboardOptions CreateOptions(string? apiKey, string? basicAuth, int pollIntervalSeconds, bool hangfireActions)
    {
        var options = new HpoDashboardOptions
        {
            ApiKey = apiKey,
            PollIntervalSeconds = pollIntervalSeconds,
            HangfireReadOnly = !hangfireActions,
        };
        if (basicAuth is not null)
        {
            int colon = basicAuth.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new FormatException("--basic-auth must be user:password (a ':' separates them).");
            }

            options.BasicAuthUserName = basicAuth[..colon];
            options.BasicAuthPassword = basicAuth[(colon + 1)..];
        }

        return options;
    }

    /// <summary>Copies every setting of <paramref name="source"/> onto <paramref name="target"/>.</summary>
    /// <param name="source">Settings built by <see cref="CreateOptions"/>.</param>
    /// <param name="target">The options instance the app configures.</param>
    public static void CopyTo(HpoDashboardOptions source, HpoDashboardOptions target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        target.ApiKey = source.ApiKey;
        target.BasicAuthUserName = source.BasicAuthUserName;
        target.BasicAuthPassword = source.BasicAuthPassword;
        target.AllowLocalRequestsWithoutCredential = source.AllowLocalRequestsWithoutCredential;
        target.PollIntervalSeconds = source.PollIntervalSeconds;
        target.HangfirePath = source.HangfirePath;
        target.HangfireReadOnly = source.HangfireReadOnly;
        target.ModelPath = source.ModelPath;
        target.ForecastCacheSize = source.ForecastCacheSize;
    }
}
