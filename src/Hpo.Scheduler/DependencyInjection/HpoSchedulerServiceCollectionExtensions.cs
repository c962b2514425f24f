using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Tuning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hpo.Scheduler.DependencyInjection;

/// <summary>Registers the scheduler.</summary>
public static class HpoSchedulerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ExperimentRunner"/>, <see cref="StoppingPolicyFactory"/> (using an
    /// <see cref="ICurvePredictor"/> when one is registered, which <c>lcpfn</c> needs),
    /// <see cref="TunerFactory"/> and <see cref="TimeProvider.System"/>, plus
    /// <see cref="InMemoryExperimentStore"/> as <see cref="IExperimentStore"/> unless a store is
    /// already registered (register Hpo.Storage's first to persist). Existing registrations win.
    /// </summary>
    /// <param name="services">The collection.</param>
    /// <param name="configure">Adjusts the default <see cref="ExperimentOptions"/> of runs that pass none.</param>
    public static IServiceCollection AddHpoScheduler(this IServiceCollection services, Action<ExperimentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ExperimentOptions>().Validate(o =>
        {
            o.Validate();
            return true;
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IExperimentStore>(sp => new InMemoryExperimentStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new StoppingPolicyFactory(sp.GetService<ICurvePredictor>()));
        services.TryAddSingleton<TunerFactory>();
        services.TryAddTransient(sp => new ExperimentRunner(
            sp.GetRequiredService<IExperimentStore>(),
            sp.GetRequiredService<StoppingPolicyFactory>(),
            sp.GetRequiredService<TunerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ExperimentRunner>>(),
            sp.GetRequiredService<IOptions<ExperimentOptions>>()));
        return services;
    }
}
