namespace Hpo.Scheduler.Stopping.None;

/// <summary>Never stops a trial (the baseline every speed-up is measured against).</summary>
public sealed class NoStoppingPolicy : IStoppingPolicy, IMinEpochsPolicy
{
    /// <inheritdoc />
    /// <remarks>No epoch: every answer is Continue.</remarks>
    public int MinEpochs => int.MaxValue;

    /// <inheritdoc />
    public string Name => "none";

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return reports.Select(_ => StoppingDecision.Continue("no stopping policy")).ToArray();
    }
}
