namespace Hpo.Scheduler.AutoMl;

/// <summary>What an epoch-reporting runner calls after each epoch of a trial; the answer says whether to go on.</summary>
public interface IEpochReporter
{
    /// <summary>Reports the metric after <paramref name="epoch"/> (1-based, consecutive) and returns the stopping decision.</summary>
    Task<EpochDecision> ReportAsync(int epoch, double value, CancellationToken cancellationToken = default);
}
