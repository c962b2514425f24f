using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>
/// One seeded dashboard on a free loopback port and one headless Chromium (through chromedriver) for
/// the browser tests. The browser is sandboxed from the network by flags: nothing it loads comes from
/// anywhere but the dashboard on 127.0.0.1.
/// </summary>
public sealed class ChromiumDashboardFixture : IAsyncLifetime
{
    private string? _profile;

    internal DashboardSeed Seed { get; private set; } = null!;

    internal DashboardTestHost Host { get; private set; } = null!;

    internal ChromeDriver Driver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (ChromiumEnvironment.SkipReason is not null)
        {
            return;
        }

        if (ChromiumEnvironment.Missing is { } missing)
        {
            throw new InvalidOperationException($"CI=true and the browser tests cannot run: {missing}. The test script must install Debian's chromium and chromium-driver.");
        }

        Seed = await DashboardSeed.CreateAsync();
        Host = await DashboardTestHost.StartKestrelAsync(Seed.Store, o =>
        {
            o.PollIntervalSeconds = 1;
            o.ModelPath = DashboardForecastTests.ModelPath;
        });
        _profile = Directory.CreateTempSubdirectory("hpo-chromium-").FullName;

        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromiumEnvironment.DriverPath)!, Path.GetFileName(ChromiumEnvironment.DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumEnvironment.BrowserPath };
        options.AddArguments(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--window-size=1280,1800",
            $"--user-data-dir={_profile}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        Driver?.Quit();
        Driver?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (_profile is not null)
        {
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be releasing files; the temp folder is reclaimed later.
            }
        }
    }

    /// <summary>The browser's console messages at error level since the last call (reading them clears them).</summary>
    internal IReadOnlyList<string> TakeConsoleErrors() =>
        Driver.Manage().Logs.GetLog(LogType.Browser)
            .Where(e => e.Level >= LogLevel.Severe)
            .Select(e => $"{e.Level}: {e.Message}")
            .ToList();
}
