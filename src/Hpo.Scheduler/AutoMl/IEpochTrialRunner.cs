namespace Hpo.Scheduler.AutoMl;

/// <summary>
/// A trial runner that trains epoch by epoch and asks <see cref="IEpochReporter"/> after each epoch
/// whether to continue. <see cref="EarlyStoppingTrialRunner"/> turns one into an <see cref="ITrialRunner"/>.
/// </summary>
public interface IEpochTrialRunner : IDisposable
{
    /// <summary>Trains <paramref name="settings"/>, reporting every epoch to <paramref name="reporter"/> and stopping when it says so.</summary>
    Task<TrialResult> RunAsync(TrialSettings settings, IEpochReporter reporter, CancellationToken ct);
}
