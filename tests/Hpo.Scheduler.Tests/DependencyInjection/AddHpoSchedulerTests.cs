using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.DependencyInjection;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Scheduler.Tests.DependencyInjection;

public sealed class AddHpoSchedulerTests
{
    [Fact]
    public async Task AddHpoScheduler_InMemoryStoreAsked_RunnerOverInMemoryStoreRuns()
    {
        var time = new FakeTimeProvider();
        using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<ICurvePredictor>(new ExtrapolatingCurvePredictor())
            .AddHpoInMemoryStore()
            .AddHpoScheduler(o => o.MaxTrials = 3)
            .BuildServiceProvider();

        var runner = provider.GetRequiredService<ExperimentRunner>();
        var spec = new ExperimentSpec("di", "accuracy", MetricDirection.Maximize, 0, 1, 6, SyntheticWorkload.SpaceJson, """{"type":"random"}""", StoppingPolicyFactory.DefaultPolicyJson);
        var summary = await runner.RunAsync(spec, new SyntheticWorkload());

        Assert.IsType<InMemoryExperimentStore>(provider.GetRequiredService<IExperimentStore>());
        Assert.Equal(3, summary.Trials);
        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
        Assert.Equal(3, provider.GetRequiredService<IOptions<ExperimentOptions>>().Value.MaxTrials);
    }

    [Fact]
    public void AddHpoScheduler_NoStore_RunnerResolutionFailsNamingTheFix()
    {
        using var provider = new ServiceCollection().AddHpoScheduler().BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ExperimentRunner>());

        Assert.Equal(HpoSchedulerServiceCollectionExtensions.NoStoreMessage, ex.Message);
        Assert.Contains("AddHpoStorage", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddHpoInMemoryStore", ex.Message, StringComparison.Ordinal);
        Assert.Null(provider.GetService<IExperimentStore>());
    }

    [Fact]
    public void AddHpoScheduler_StoreAlreadyRegistered_KeepsIt()
    {
        var mine = new InMemoryExperimentStore();
        using var provider = new ServiceCollection().AddSingleton<IExperimentStore>(mine).AddHpoScheduler().BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<IExperimentStore>());
    }

    [Fact]
    public void AddHpoScheduler_PredictorRegistered_FactoryBuildsLcPfn()
    {
        using var provider = new ServiceCollection().AddSingleton<ICurvePredictor>(new ExtrapolatingCurvePredictor()).AddHpoScheduler().BuildServiceProvider();

        Assert.IsType<LcPfnStoppingPolicy>(provider.GetRequiredService<StoppingPolicyFactory>().Create(StoppingPolicyFactory.DefaultPolicyJson));
    }

    [Fact]
    public void AddHpoScheduler_InvalidDefaults_ThrowWhenResolved()
    {
        using var provider = new ServiceCollection().AddHpoInMemoryStore().AddHpoScheduler(o => o.Concurrency = 0).BuildServiceProvider();

        var ex = Assert.Throws<HpoValidationException>(() => provider.GetRequiredService<ExperimentRunner>());

        Assert.Contains("'Concurrency'", ex.Message, StringComparison.Ordinal);
    }
}
