using Hpo.Scheduler.Persistence;
using Hpo.Storage.Resilience;
using Hpo.Storage.Schema;
using Hpo.Storage.Stores;
using Hpo.Storage.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hpo.Storage.Configuration;

/// <summary>DI registration of the store.</summary>
public static class HpoStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IExperimentStore"/>, <see cref="HpoDatabase"/>, <see cref="IParameterValidator"/>
    /// (the flat-JSON default unless one is registered already) and <see cref="TimeProvider"/> (the system clock
    /// unless one is registered already), configured by <paramref name="configure"/>. Options are validated when
    /// first used.
    /// </summary>
    public static IServiceCollection AddHpoStorage(this IServiceCollection services, Action<HpoStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<HpoStorageOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HpoStorageOptions>, HpoStorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IParameterValidator, FlatJsonParameterValidator>();
        services.TryAddSingleton<StorageConnectionFactory>();
        services.TryAddSingleton<StoreExecutor>();
        services.TryAddSingleton<IExperimentStore, SqlExperimentStore>();
        services.TryAddSingleton<HpoDatabase>();
        return services;
    }
}
