using Hpo.Workers.Dashboard.Api;
using Hpo.Workers.Dashboard.Changes;
using Hpo.Workers.Dashboard.Forecasts;
using Hpo.Workers.Dashboard.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard;

/// <summary>Registers the Hpo dashboard's services.</summary>
public static class HpoDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the dashboard's services and its validated <see cref="HpoDashboardOptions"/> (bound from the
    /// <c>Hpo:Dashboard</c> configuration section when one is registered, then <paramref name="configure"/>).
    /// The app must also register an <c>IExperimentStore</c>, with a model path an <c>ICurvePredictorLoader</c> (Hpo.LcPfn's <c>services.AddHpoLcPfn()</c>) and, for the page at <c>/hangfire</c>, Hangfire
    /// (<c>services.AddHangfire(...)</c>); then call <see cref="HpoDashboardWebApplicationExtensions.MapHpoDashboard"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, e.g. the API key.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddHpoDashboard(this IServiceCollection services, Action<HpoDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<HpoDashboardOptions> options = services.AddOptions<HpoDashboardOptions>().BindConfiguration(HpoDashboardOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HpoDashboardOptions>, HpoDashboardOptionsValidator>());
        services.TryAddSingleton<DashboardAccessPolicy>();
        // One loaded model and one forecast cache for the whole app.
        services.TryAddSingleton<DashboardForecaster>();
        services.TryAddSingleton(TimeProvider.System);
        // One view per experiment for the whole app, kept current from the change feed.
        services.TryAddSingleton<ExperimentViews>();
        // Scoped like the store may be (an EF Core context per request).
        services.TryAddScoped<DashboardQueries>();
        services.AddRouting();
        return services;
    }
}
