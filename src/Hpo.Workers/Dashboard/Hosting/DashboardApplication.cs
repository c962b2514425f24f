using Hpo.Workers.Dashboard.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard.Hosting;

/// <summary>Builds the stand-alone dashboard app that <c>hpo dashboard</c> runs.</summary>
public static class DashboardApplication
{
    /// <summary>
    /// Builds the app: Kestrel on <paramref name="urls"/>, the dashboard with <paramref name="configureDashboard"/>,
    /// and the services <paramref name="configureStorage"/> registers (an <c>IExperimentStore</c> and, for
    /// <c>/hangfire</c>, Hangfire's job storage through <c>services.AddHangfire(...)</c>).
    /// </summary>
    /// <param name="urls">Listen URLs, e.g. <c>http://127.0.0.1:5000</c>.</param>
    /// <param name="configureDashboard">Sets the dashboard options (credentials, poll interval).</param>
    /// <param name="configureStorage">Registers the store and Hangfire storage.</param>
    /// <returns>The app, not yet started.</returns>
    /// <exception cref="OptionsValidationException">The dashboard options are invalid.</exception>
    /// <exception cref="ArgumentException">A URL binds beyond loopback while no credential is configured, or is not a listen URL.</exception>
    public static WebApplication Create(IReadOnlyList<string> urls, Action<HpoDashboardOptions> configureDashboard, Action<IServiceCollection> configureStorage)
    {
        WebApplicationBuilder builder = CreateBuilder(urls, configureDashboard, configureStorage);
        return Build(builder);
    }

    /// <summary>The builder behind <see cref="Create"/>, for tests that swap the server.</summary>
    internal static WebApplicationBuilder CreateBuilder(IReadOnlyList<string> urls, Action<HpoDashboardOptions> configureDashboard, Action<IServiceCollection> configureStorage)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(configureDashboard);
        ArgumentNullException.ThrowIfNull(configureStorage);
        if (urls.Count == 0)
        {
            throw new ArgumentException("At least one listen URL is required, e.g. http://127.0.0.1:5000.", nameof(urls));
        }

        var options = new HpoDashboardOptions();
        configureDashboard(options);
        var failures = HpoDashboardOptionsValidator.Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(HpoDashboardOptions), failures);
        }

        EnsureSafeBinding(urls, options);

        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(DashboardApplication).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls([.. urls]);
        // Request logs would print full URLs, and with them an ?api_key=; keep ASP.NET's own logs to warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddHpoDashboard(configureDashboard);
        configureStorage(builder.Services);
        return builder;
    }

    /// <summary>Builds <paramref name="builder"/> and mounts the dashboard.</summary>
    internal static WebApplication Build(WebApplicationBuilder builder)
    {
        WebApplication app = builder.Build();
        app.MapHpoDashboard();
        return app;
    }

    /// <summary>Throws when <paramref name="urls"/> would expose the dashboard beyond this machine without a credential.</summary>
    /// <param name="urls">Listen URLs.</param>
    /// <param name="options">The dashboard options.</param>
    /// <exception cref="ArgumentException">A URL is not loopback-only and no credential is configured.</exception>
    public static void EnsureSafeBinding(IEnumerable<string> urls, HpoDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> exposed;
        try
        {
            exposed = ListenAddresses.NonLoopback(urls);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"Not a listen URL: {ex.Message}", ex);
        }

        if (exposed.Count > 0 && !options.HasCredential)
        {
            throw new ArgumentException(
                $"Refusing to listen on {string.Join(", ", exposed)} without a credential: that address is reachable from other machines. " +
                "Set --api-key (or HPO_DASHBOARD_API_KEY) or --basic-auth user:pass (or HPO_DASHBOARD_BASIC_AUTH), or listen on http://127.0.0.1 only.");
        }
    }
}
