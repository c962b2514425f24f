using Hangfire;
using Hpo.Workers.Dashboard.Api;
using Hpo.Workers.Dashboard.Forecasts;
using Hpo.Workers.Dashboard.Metrics;
using Hpo.Workers.Dashboard.Pages;
using Hpo.Workers.Dashboard.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard;

/// <summary>Mounts the Hpo dashboard in an ASP.NET Core app.</summary>
public static class HpoDashboardWebApplicationExtensions
{
    /// <summary>
    /// Puts the access guard in front of everything that follows in the pipeline, then maps the pages
    /// (<c>/</c>, <c>/experiments/{id}</c>, <c>/trials/{id}</c>), the read-only JSON API under <c>/api</c>
    /// and, when Hangfire is registered, the Hangfire dashboard at <see cref="HpoDashboardOptions.HangfirePath"/>;
    /// with <see cref="HpoDashboardMetricsServiceCollectionExtensions.AddHpoDashboardPrometheus"/>, the Prometheus scrape
    /// endpoint at <see cref="DashboardMetricsOptions.Path"/>.
    /// Needs <see cref="HpoDashboardServiceCollectionExtensions.AddHpoDashboard"/>. Call it before mapping
    /// anything else, so the guard covers the whole app.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <returns>The same app.</returns>
    /// <exception cref="OptionsValidationException">The dashboard options are invalid.</exception>
    public static WebApplication MapHpoDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Reading the options validates them now, before anything is served.
        HpoDashboardOptions options = app.Services.GetRequiredService<IOptions<HpoDashboardOptions>>().Value;
        DashboardAccessPolicy policy = app.Services.GetRequiredService<DashboardAccessPolicy>();
        // Loads the forecast model now: a model file that cannot be read fails the start, not the first chart.
        app.Services.GetRequiredService<DashboardForecaster>();
        bool hangfire = app.Services.GetService<IServiceProviderIsService>()?.IsService(typeof(JobStorage)) == true;

        app.UseMiddleware<DashboardAccessMiddleware>();
        // Middleware arguments must not be null (activation matches them by type): no Hangfire is an empty path.
        app.UseMiddleware<ReadOnlyRequestMiddleware>(hangfire ? new PathString(options.HangfirePath) : PathString.Empty);
        if (hangfire)
        {
            app.UseHangfireDashboard(options.HangfirePath, new DashboardOptions
            {
                Authorization = [new HangfireAccessFilter(policy)],
                IsReadOnlyFunc = _ => options.HangfireReadOnly,
                DashboardTitle = "Hpo jobs",
                AppPath = "/",
                DisplayStorageConnectionString = false,
            });
        }

        DashboardApiEndpoints.Map(app);
        DashboardPageEndpoints.Map(app, hangfire ? options.HangfirePath : null);
        if (app.Services.GetService<StoreTotalsMeter>() is not null)
        {
            // Behind the access guard like every page: a remote Prometheus sends the API key or basic auth.
            app.MapPrometheusScrapingEndpoint(app.Services.GetRequiredService<IOptions<DashboardMetricsOptions>>().Value.Path);
        }

        return app;
    }
}
