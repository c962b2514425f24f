using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard.Metrics;

/// <summary>Checks <see cref="DashboardMetricsOptions"/>; each failure names the setting.</summary>
public sealed class DashboardMetricsOptionsValidator : IValidateOptions<DashboardMetricsOptions>
{
    /// <summary>The shortest refresh interval allowed.</summary>
    public static readonly TimeSpan MinimumRefresh = TimeSpan.FromSeconds(1);

    /// <summary>The longest refresh interval allowed.</summary>
    public static readonly TimeSpan MaximumRefresh = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DashboardMetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path) || !options.Path.StartsWith('/') || options.Path.Any(char.IsWhiteSpace))
        {
            failures.Add($"Path is '{options.Path}'; it must be a URL path that starts with '/', such as /metrics.");
        }

        if (options.RefreshInterval < MinimumRefresh || options.RefreshInterval > MaximumRefresh)
        {
            failures.Add($"RefreshInterval is {options.RefreshInterval.TotalSeconds} s; it must be in 1–3600 s.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
