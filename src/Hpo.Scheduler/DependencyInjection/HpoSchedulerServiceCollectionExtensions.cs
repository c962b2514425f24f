using Hpo.Scheduler.Prediction;
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
    /// <summary>The message of the error that resolving <see cref="ExperimentRunner"/> without a store gives.</summary>
    public const string NoStoreMessage =
        "No IExperimentStore is registered: call services.AddHpoStorage(...) (Hpo.Storage: PostgreSQL or SQLite) to keep the results, " +
        "or services.AddHpoInMemoryStore() for tests and throw-away runs (everything is lost when the process ends).";

    /// <summary>
    /// Registers <see cref="InMemoryExperimentStore"/> as the <see cref="IExperimentStore"/> (replacing none already
    /// registered): for tests and throw-away runs, since everything it holds is lost when the process ends.
    /// </summary>
    public static IServiceCollection AddHpoInMemoryStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IExperimentStore>(sp => new InMemoryExperimentStore(sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Adds <see cref="ExperimentRunner"/>, <see cref="StoppingPolicyFactory"/> (using an
    /// <see cref="ICurvePredictor"/> when one is registered, which <c>lcpfn</c> needs),
    /// <see cref="TunerFactory"/> and <see cref="TimeProvider.System"/>. Existing registrations win. It registers no
    /// store: register one (Hpo.Storage's <c>AddHpoStorage</c>, or <see cref="AddHpoInMemoryStore"/> for tests and
    /// throw-away runs), else resolving <see cref="ExperimentRunner"/> fails saying so, rather than losing the results
    /// to memory.
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
        services.TryAddSingleton(sp => new StoppingPolicyFactory(sp.GetService<ICurvePredictor>()));
        services.TryAddSingleton<TunerFactory>();
        services.TryAddTransient(sp => new ExperimentRunner(
            sp.GetService<IExperimentStore>() ?? throw new InvalidOperationException(NoStoreMessage),
            sp.GetRequiredService<StoppingPolicyFactory>(),
            sp.GetRequiredService<TunerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ExperimentRunner>>(),
            sp.GetRequiredService<IOptions<ExperimentOptions>>()));
        return services;
    }
}
