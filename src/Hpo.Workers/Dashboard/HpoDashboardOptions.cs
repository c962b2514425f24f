namespace Hpo.Workers.Dashboard;

/// <summary>
/// Settings of the Hpo web dashboard (pages, JSON API and the Hangfire dashboard). Validated at start
/// by <see cref="HpoDashboardOptionsValidator"/>: a bad value stops the app with a message naming it.
/// </summary>
/// <remarks>
/// By default only requests from a loopback address are served. Remote clients are served only when a
/// credential is configured (<see cref="ApiKey"/> and/or <see cref="BasicAuthUserName"/> with
/// <see cref="BasicAuthPassword"/>) and they present it.
/// </remarks>
public sealed class HpoDashboardOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Hpo:Dashboard";

    /// <summary>The header that carries the API key.</summary>
    public const string ApiKeyHeaderName = "X-Hpo-Api-Key";

    /// <summary>The query-string parameter that carries the API key.</summary>
    public const string ApiKeyQueryName = "api_key";

    /// <summary>The shortest API key accepted; shorter keys are guessable.</summary>
    public const int MinimumApiKeyLength = 16;

    /// <summary>The shortest basic-auth password accepted.</summary>
    public const int MinimumPasswordLength = 8;

    /// <summary>The largest page size the JSON API serves.</summary>
    public const int MaxPageSize = 500;

    /// <summary>
    /// An API key that remote clients present in the <c>X-Hpo-Api-Key</c> header or the <c>api_key</c>
    /// query parameter; null for none. At least <see cref="MinimumApiKeyLength"/> characters, no whitespace.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The HTTP basic-auth user name remote clients present; null for none (then <see cref="BasicAuthPassword"/> must be null too).</summary>
    public string? BasicAuthUserName { get; set; }

    /// <summary>The HTTP basic-auth password; at least <see cref="MinimumPasswordLength"/> characters.</summary>
    public string? BasicAuthPassword { get; set; }

    /// <summary>
    /// Whether requests from a loopback address are served without a credential (default true, like
    /// Hangfire's local-requests-only filter). Set it to false behind a reverse proxy on the same host,
    /// where every request arrives from loopback; a credential is then required.
    /// </summary>
    public bool AllowLocalRequestsWithoutCredential { get; set; } = true;

    /// <summary>How often the pages poll the JSON API for fresh data, in seconds (1–300, default 5).</summary>
    public int PollIntervalSeconds { get; set; } = 5;

    /// <summary>Where the Hangfire dashboard is mounted (default <c>/hangfire</c>).</summary>
    public string HangfirePath { get; set; } = "/hangfire";

    /// <summary>
    /// Whether the Hangfire dashboard hides its buttons that change jobs (retry, delete, trigger).
    /// Default true: the dashboard is a monitor; set false to let its users act on jobs.
    /// </summary>
    public bool HangfireReadOnly { get; set; } = true;

    /// <summary>
    /// The LC-PFN model file (.lcpfn) the forecast API (<c>/api/trials/{id}/forecast</c>) predicts with; null for
    /// none, and then the API answers 404 <c>no_model</c> and the pages draw curves without forecast bands.
    /// <c>hpo dashboard</c> sets it from <c>--model</c>, <c>$HPO_LCPFN_MODEL</c> or the default model.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>How many forecasts (one per distinct observed curve prefix) are kept in memory (1–1,000,000, default 20,000).</summary>
    public int ForecastCacheSize { get; set; } = 20_000;

    /// <summary>Whether an API key is configured.</summary>
    public bool HasApiKey => ApiKey is not null;

    /// <summary>Whether basic-auth credentials are configured.</summary>
    public bool HasBasicAuth => BasicAuthUserName is not null || BasicAuthPassword is not null;

    /// <summary>Whether any credential is configured, so that remote clients can be served.</summary>
    public bool HasCredential => HasApiKey || HasBasicAuth;
}
