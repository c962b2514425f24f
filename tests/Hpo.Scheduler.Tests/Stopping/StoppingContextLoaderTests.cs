using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Patience;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class StoppingContextLoaderTests
{
    [Fact]
    public async Task LoadAsync_StoredExperiment_CurvesMetricAndBest()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryExperimentStore(time);
        var e = await store.CreateExperimentAsync(new ExperimentSpec("ctx", "loss", MetricDirection.Minimize, 0, null, 8, """{"x":{"type":"int","low":1,"high":3}}""", """{"type":"random"}""", """{"type":"patience","k":1}"""));
        var a = await store.ClaimTrialAsync((await store.CreateTrialAsync(e.Id, """{"x":1}""")).Id, "w", TimeSpan.FromMinutes(1));
        var b = await store.ClaimTrialAsync((await store.CreateTrialAsync(e.Id, """{"x":2}""")).Id, "w", TimeSpan.FromMinutes(1));
        await store.CreateTrialAsync(e.Id, """{"x":3}""");
        await store.RecordObservationsAsync(a, [(1, 0.9), (2, 0.5), (3, 0.6)]);
        await store.RecordObservationsAsync(b, [(1, 0.8), (2, 0.7)]);

        var context = await StoppingContextLoader.LoadAsync(store, e.Id);

        Assert.Equal(MetricDirection.Minimize, context.Metric.Direction);
        Assert.Equal(8, context.MaxEpochs);
        Assert.Null(context.Metric.UpperBound);
        Assert.Equal([a.TrialId, b.TrialId], context.Curves.Select(c => c.TrialId));
        Assert.Equal([0.9, 0.5, 0.6], context.Curves[0].Values);
        Assert.Equal(0.5, context.BestSoFar);
        var decision = new PatienceStoppingPolicy(new PatienceOptions { K = 0 }).Decide(context, [context.Curves[0]])[0];
        Assert.Equal(DecisionAction.Stop, decision.Action);
    }

    [Fact]
    public async Task LoadAsync_UnknownExperiment_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => StoppingContextLoader.LoadAsync(new InMemoryExperimentStore(), 7));
    }
}
