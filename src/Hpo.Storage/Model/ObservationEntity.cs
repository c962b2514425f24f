namespace Hpo.Storage.Model;

/// <summary>Row of <c>observations</c>; the key is the natural one (trial, epoch).</summary>
internal sealed class ObservationEntity
{
    public long TrialId { get; set; }

    public int Epoch { get; set; }

    public double Value { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}
