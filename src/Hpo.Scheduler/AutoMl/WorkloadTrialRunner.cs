using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Tuning;
using Hpo.Scheduler.Workloads;

namespace Hpo.Scheduler.AutoMl;

/// <summary>
/// An epoch-reporting runner for any <see cref="IWorkload"/>: trains the configuration one epoch at a
/// time up to the experiment's max epochs, reporting each epoch and stopping when told. When the workload's
/// run hands back its model (<see cref="ITrainedModelRun"/>), the result carries it.
/// </summary>
public sealed class WorkloadTrialRunner : IEpochTrialRunner
{
    private readonly IWorkload _workload;
    private readonly MetricSettings _metric;
    private readonly int _seed;
    private readonly TimeProvider _time;

    /// <summary>Creates the runner.</summary>
    /// <param name="workload">What to train.</param>
    /// <param name="metric">Direction and max epochs (must match the workload's direction).</param>
    /// <param name="seed">Mixed with the trial id to seed each run.</param>
    /// <param name="timeProvider">Measures durations (system clock by default).</param>
    public WorkloadTrialRunner(IWorkload workload, MetricSettings metric, int seed = 0, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(metric);
        if (workload.HigherIsBetter != (metric.Direction == Persistence.MetricDirection.Maximize))
        {
            throw new ArgumentException($"Workload '{workload.Name}' reports {workload.MetricName} where {(workload.HigherIsBetter ? "higher" : "lower")} is better, but the metric direction is {metric.Direction}.", nameof(metric));
        }

        _workload = workload;
        _metric = metric.Validated();
        _seed = seed;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<TrialResult> RunAsync(TrialSettings settings, IEpochReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(reporter);
        long started = _time.GetTimestamp();
        var curve = new List<double>();
        EpochDecision? stop = null;
        object? model;
        var run = await _workload.StartAsync(settings.Parameter, SeedMixer.Mix(_seed, settings.TrialId), 0, ct).ConfigureAwait(false);
        await using (run.ConfigureAwait(false))
        {
            var steps = new TrialEpochSteps(
                () => null,
                (_, value, _) =>
                {
                    curve.Add(value);
                    return Task.FromResult(value);
                },
                async (epoch, value, token) =>
                {
                    var decision = await reporter.ReportAsync(epoch, value, token).ConfigureAwait(false);
                    if (decision.ShouldStop)
                    {
                        stop = decision;
                    }

                    return decision.ShouldStop ? Persistence.DecisionAction.Stop : Persistence.DecisionAction.Continue;
                },
                WorkloadFailuresEndTheTrial: false);
            await TrialEpochLoop.RunAsync(run, 1, _metric.MaxEpochs, steps, ct).ConfigureAwait(false);

            // Read before the run is disposed; the runs that hand back a model leave it alive for the caller.
            model = (run as ITrainedModelRun)?.Model;
        }

        settings.EndedAtUtc = _time.GetUtcNow().UtcDateTime;
        double metric = _metric.Best(curve);
        return new TrialResult
        {
            TrialSettings = settings,
            Metric = metric,
            Loss = _metric.Direction == Persistence.MetricDirection.Maximize ? -metric : metric,
            DurationInMilliseconds = _time.GetElapsedTime(started).TotalMilliseconds,
            Curve = curve,
            Model = model,
            StoppedEarly = stop is not null,
            StopDecision = stop?.Decision,
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The workload is owned by whoever created it; the runner holds nothing of its own.
    }
}
