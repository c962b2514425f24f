using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hpo.Workloads.DependencyInjection;

/// <summary>Registers the built-in workloads.</summary>
public static class HpoWorkloadsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BuiltInWorkloads.CreateRegistry"/> as the <see cref="WorkloadRegistry"/> (unless one is registered),
    /// which the fleet (<c>AddHpoWorkers</c>) builds each experiment's workload from.
    /// </summary>
    public static IServiceCollection AddHpoWorkloads(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => BuiltInWorkloads.CreateRegistry());
        return services;
    }
}
