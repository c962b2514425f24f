using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Tuning;
using Hpo.Scheduler.Workloads;
using Hpo.Workers.Jobs;
using Hpo.Workers.Submission;
using Hpo.Workers.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Hosting;

/// <summary>DI registration of the worker fleet.</summary>
public static class HpoWorkersServiceCollectionExtensions
{
    /// <summary>
    /// Registers the fleet: <see cref="HangfireFleet"/> (Hangfire on the store's PostgreSQL), <see cref="HpoJobClient"/>,
    /// <see cref="ExperimentSubmitter"/>, <see cref="ExperimentAdvancer"/>, <see cref="FleetSweeper"/>, the jobs,
    /// <see cref="TrialExecutor"/> with a <see cref="WorkloadCatalog"/> over the host's <see cref="WorkloadRegistry"/>
    /// (register one first, e.g. Hpo.Workloads' <c>AddHpoWorkloads()</c>), the scheduler's policy and tuner factories (the policy factory uses an <see cref="ICurvePredictor"/> when one is registered, e.g. by Hpo.LcPfn's <c>AddHpoLcPfn(modelPath)</c>), and <see cref="HpoWorkerService"/> as a hosted
    /// service (it runs only in a host; <c>hpo submit</c> resolves the submitter without starting it). Register the store
    /// first with <c>AddHpoStorage</c> (PostgreSQL). Options are validated when first used.
    /// </summary>
    public static IServiceCollection AddHpoWorkers(this IServiceCollection services, Action<HpoWorkerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HpoWorkerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HpoWorkerOptions>, HpoWorkerOptionsValidator>());
        // Not AddHpoScheduler: the fleet runs trials through TrialExecutor, not the in-process ExperimentRunner.
        services.TryAddSingleton(sp => new StoppingPolicyFactory(sp.GetService<ICurvePredictor>()));
        services.TryAddSingleton<TunerFactory>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<WorkloadCatalog>();
        services.TryAddSingleton<IWorkloadProvider>(sp => sp.GetRequiredService<WorkloadCatalog>());
        services.TryAddSingleton(sp => new TrialExecutor(
            sp.GetRequiredService<Hpo.Scheduler.Persistence.IExperimentStore>(),
            sp.GetRequiredService<StoppingPolicyFactory>(),
            sp.GetRequiredService<IWorkloadProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TrialExecutor>>(),
            sp.GetService<ModelFingerprint>()));
        services.TryAddSingleton<WorkerIdentity>();
        services.TryAddSingleton<HangfireFleet>();
        services.TryAddSingleton<HpoJobClient>();
        services.TryAddSingleton<ExperimentAdvancer>();
        services.TryAddSingleton<FleetSweeper>();
        services.TryAddSingleton<ExperimentSubmitter>();
        services.TryAddTransient<TrialJob>();
        services.TryAddTransient<ExperimentJob>();
        services.TryAddSingleton<HpoWorkerService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HpoWorkerService>(sp => sp.GetRequiredService<HpoWorkerService>()));
        return services;
    }
}
