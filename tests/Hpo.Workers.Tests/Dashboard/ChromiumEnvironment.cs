namespace Hpo.Workers.Tests.Dashboard;

/// <summary>
/// Where the real browser is: Debian's <c>chromium</c> and <c>chromium-driver</c> packages
/// (<c>HPO_CHROMIUM</c> / <c>HPO_CHROMEDRIVER</c> override the paths). Browser tests skip on a developer
/// machine without them; under CI=true they always run, so a missing browser fails instead of hiding.
/// </summary>
internal static class ChromiumEnvironment
{
    public static string BrowserPath { get; } = Environment.GetEnvironmentVariable("HPO_CHROMIUM") is { Length: > 0 } b ? b : "/usr/bin/chromium";

    public static string DriverPath { get; } = Environment.GetEnvironmentVariable("HPO_CHROMEDRIVER") is { Length: > 0 } d ? d : "/usr/bin/chromedriver";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>What is missing, or null when both the browser and its driver are installed.</summary>
    public static string? Missing
    {
        get
        {
            var missing = new[] { BrowserPath, DriverPath }.Where(p => !File.Exists(p)).ToList();
            return missing.Count == 0 ? null : $"not installed: {string.Join(", ", missing)}";
        }
    }

    public static string? SkipReason => IsCi || Missing is null
        ? null
        : $"Headless Chromium tests need Debian's chromium and chromium-driver ({Missing}); install them with 'apt-get install -y chromium chromium-driver'. Under CI=true these tests fail instead of skipping.";
}
