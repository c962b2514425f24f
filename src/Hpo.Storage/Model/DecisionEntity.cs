using Hpo.Scheduler.Persistence;

namespace Hpo.Storage.Model;

/// <summary>Row of <c>decisions</c>; the key is the natural one (trial, epoch).</summary>
internal sealed class DecisionEntity
{
    public long TrialId { get; set; }

    public int Epoch { get; set; }

    public DecisionAction Action { get; set; }

    public string Policy { get; set; } = string.Empty;

    public double? ProbabilityOfImprovement { get; set; }

    public double? PredictedMedian { get; set; }

    public double? PredictedLow { get; set; }

    public double? PredictedHigh { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>SHA-256 of the LC-PFN model file that decided; null for policies without a model.</summary>
    public string? ModelSha256 { get; set; }
}
