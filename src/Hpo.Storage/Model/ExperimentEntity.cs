using Hpo.Scheduler.Persistence;

namespace Hpo.Storage.Model;

/// <summary>Row of <c>experiments</c>.</summary>
internal sealed class ExperimentEntity
{
    public long Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string MetricName { get; set; } = string.Empty;

    public MetricDirection Direction { get; set; }

    public double? MetricLowerBound { get; set; }

    public double? MetricUpperBound { get; set; }

    public int MaxEpochs { get; set; }

    public string SearchSpace { get; set; } = "{}";

    public string Tuner { get; set; } = "{}";

    public string Policy { get; set; } = "{}";

    public string? Settings { get; set; }

    public ExperimentStatus Status { get; set; }

    /// <summary>How many trials were created: the last dense trial number handed out.</summary>
    public int TrialCount { get; set; }

    /// <summary>SHA-256 of the LC-PFN model that decides the experiment, set by the first worker to decide it.</summary>
    public string? ModelSha256 { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
