using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Hpo.Workers.Dashboard.Metrics;

/// <summary>Registers the dashboard's Prometheus scrape endpoint.</summary>
public static class HpoDashboardMetricsServiceCollectionExtensions
{
    /// <summary>The meter of ASP.NET Core's own HTTP server metrics (request duration, active requests).</summary>
    public const string HttpMeterName = "Microsoft.AspNetCore.Hosting";

    /// <summary>
    /// Serves the store's totals (meter <c>Hpo.Store</c>: trials by status, epochs reported, decisions by action, epochs
    /// saved, read every <see cref="DashboardMetricsOptions.RefreshInterval"/>) and the dashboard's own HTTP metrics
    /// (meter <c>Microsoft.AspNetCore.Hosting</c>) in Prometheus' text format at <see cref="DashboardMetricsOptions.Path"/>,
    /// which <see cref="HpoDashboardWebApplicationExtensions.MapHpoDashboard"/> maps behind the dashboard's access guard.
    /// Needs <see cref="HpoDashboardServiceCollectionExtensions.AddHpoDashboard"/> and an <c>IExperimentStore</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the path and refresh interval.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddHpoDashboardPrometheus(this IServiceCollection services, Action<DashboardMetricsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<DashboardMetricsOptions> options = services.AddOptions<DashboardMetricsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardMetricsOptions>, DashboardMetricsOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StoreTotalsMeter>();
        services.AddHostedService<StoreTotalsPoller>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("hpo-dashboard"))
            .WithMetrics(m => m
                .AddMeter(StoreTotalsMeter.MeterName, HttpMeterName)
                .AddPrometheusExporter());
        return services;
    }
}
