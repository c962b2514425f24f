using System.Diagnostics.Metrics;

namespace Hpo.Scheduler.Experiments;

/// <summary>
/// The fleet's counters, through <see cref="System.Diagnostics.Metrics"/> (meter <see cref="MeterName"/>): epochs
/// reported, decisions by action and policy, epochs saved by stopping, decision latency and queue wait. Any listener
/// reads them (<c>dotnet-counters monitor --counters Hpo.Fleet</c>, OpenTelemetry with <c>AddMeter("Hpo.Fleet")</c>;
/// <c>hpo worker --otlp-endpoint</c> exports them over OTLP).
/// </summary>
public static class FleetMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Hpo.Fleet";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Epoch values this process recorded (<c>hpo.epochs.reported</c>).</summary>
    internal static Counter<long> EpochsReported { get; } = Meter.CreateCounter<long>("hpo.epochs.reported", "{epoch}", "Epoch values recorded by this process's trials.");

    /// <summary>Stopping decisions taken, tagged <c>action</c> (Continue, Stop) and <c>policy</c> (<c>hpo.decisions</c>).</summary>
    internal static Counter<long> Decisions { get; } = Meter.CreateCounter<long>("hpo.decisions", "{decision}", "Stopping decisions taken, by action and policy.");

    /// <summary>Epochs a trial stopped by its policy did not train: max epochs minus its last (<c>hpo.epochs.saved</c>).</summary>
    internal static Counter<long> EpochsSaved { get; } = Meter.CreateCounter<long>("hpo.epochs.saved", "{epoch}", "Epochs not trained because the policy stopped the trial.");

    /// <summary>Time to decide one epoch: the read of what changed plus the policy call (<c>hpo.decision.duration</c>).</summary>
    internal static Histogram<double> DecisionDuration { get; } = Meter.CreateHistogram<double>("hpo.decision.duration", "ms", "Time to decide one epoch: reading what changed and the policy call.");

    /// <summary>Time a trial job waited from its creation until a worker started it (<c>hpo.queue.wait</c>).</summary>
    public static Histogram<double> QueueWait { get; } = Meter.CreateHistogram<double>("hpo.queue.wait", "ms", "Time a trial job waited in the queue before a worker started it.");
}
