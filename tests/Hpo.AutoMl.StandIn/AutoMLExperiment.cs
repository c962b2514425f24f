// Compile-time stand-in for Microsoft.ML.AutoML, which our package feed does not serve: it declares the
// public members that examples/automl/*.cs uses, with their real names and signatures, so that a signature
// mistake in the example breaks the build. Test-only: never shipped or packed. Bodies are minimal, not AutoML's.

using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.ML.AutoML;

/// <summary>
/// The experiment's registration surface. As in AutoML, the trial runner lives in a service collection: an
/// instance is registered as a singleton, a factory or a type as transient. The trial loop itself is in the tests
/// (AutoMlLifecycle), which reads <see cref="ServiceCollection"/>.
/// </summary>
public class AutoMLExperiment
{
    private readonly IServiceCollection _services = new ServiceCollection();

    /// <summary>Creates the experiment.</summary>
    public AutoMLExperiment(MLContext context, AutoMLExperimentSettings settings)
    {
        Context = context;
        Settings = settings;
    }

    internal MLContext Context { get; }

    internal AutoMLExperimentSettings Settings { get; }

    internal IServiceCollection ServiceCollection => _services;

    /// <summary>Registers <paramref name="runner"/> as a singleton (disposed after every trial all the same).</summary>
    public AutoMLExperiment SetTrialRunner<TTrialRunner>(TTrialRunner runner)
        where TTrialRunner : class, ITrialRunner
    {
        _services.AddSingleton<ITrialRunner>(runner);
        return this;
    }

    /// <summary>Registers <paramref name="factory"/> as transient: a new runner per trial.</summary>
    public AutoMLExperiment SetTrialRunner<TTrialRunner>(Func<IServiceProvider, TTrialRunner> factory)
        where TTrialRunner : class, ITrialRunner
    {
        _services.AddTransient<ITrialRunner>(factory);
        return this;
    }

    /// <summary>Registers <typeparamref name="TTrialRunner"/> as transient: a new runner per trial.</summary>
    public AutoMLExperiment SetTrialRunner<TTrialRunner>()
        where TTrialRunner : class, ITrialRunner
    {
        _services.AddTransient<ITrialRunner, TTrialRunner>();
        return this;
    }

    /// <summary>Registers the monitor.</summary>
    public AutoMLExperiment SetMonitor<TMonitor>(TMonitor monitor)
        where TMonitor : class, IMonitor
    {
        _services.AddSingleton<IMonitor>(monitor);
        return this;
    }

    /// <summary>Registers the tuner.</summary>
    public AutoMLExperiment SetTuner<TTuner>(TTuner proposer)
        where TTuner : class, ITuner
    {
        _services.AddSingleton<ITuner>(proposer);
        return this;
    }

    /// <summary>Experiment settings.</summary>
    public class AutoMLExperimentSettings
    {
        /// <summary>The seed.</summary>
        public int? Seed { get; set; }

        /// <summary>Whether a larger metric is better.</summary>
        public bool IsMaximize { get; set; }
    }
}
