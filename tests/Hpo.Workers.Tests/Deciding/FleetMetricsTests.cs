using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;

namespace Hpo.Workers.Tests.Deciding;

/// <summary>The fleet's counters, read the way any listener (OpenTelemetry, dotnet-counters) reads them.</summary>
public sealed class FleetMetricsTests
{
    [Fact]
    public async Task Execute_TrialStoppedByThreshold_CountsEpochsDecisionsByActionAndEpochsSaved()
    {
        var store = new InMemoryExperimentStore();
        var experiment = await store.CreateExperimentAsync(new ExperimentSpec(
            $"metrics-{Guid.NewGuid():N}", "score", MetricDirection.Maximize, 0, 1, 20, CurveWorkload.SearchSpaceJson, """{"type":"random"}""",
            """{"type":"threshold","threshold":0.5,"minEpochs":3}""", """{"workload":"curve"}"""));
        var trial = await store.CreateTrialAsync(experiment.Id, """{"x":0.2}""");
        var measured = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FleetMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };

        // Other tests run trials in parallel: only this trial's policy (threshold) is counted for decisions.
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? action = null;
            string? policy = null;
            foreach (var tag in tags)
            {
                action = tag.Key == "action" ? tag.Value as string : action;
                policy = tag.Key == "policy" ? tag.Value as string : policy;
            }

            if (instrument.Name == "hpo.decisions" && policy == "threshold")
            {
                measured.AddOrUpdate($"decisions/{action}", value, (_, v) => v + value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => measured.AddOrUpdate(instrument.Name, 1, (_, v) => v + 1));
        listener.Start();

        var result = await new TrialExecutor(store, new StoppingPolicyFactory(), new CurveWorkload()).ExecuteAsync(trial.Id, new TrialExecutionOptions());

        Assert.Equal(TrialOutcome.Stopped, result.Outcome);
        Assert.Equal(3, result.EpochsTrained);
        Assert.Equal(2, measured["decisions/Continue"]);
        Assert.Equal(1, measured["decisions/Stop"]);
        Assert.True(measured["hpo.decision.duration"] >= 3, "Every decision's latency is recorded.");
    }
}
