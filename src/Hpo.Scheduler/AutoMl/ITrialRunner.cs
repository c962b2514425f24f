namespace Hpo.Scheduler.AutoMl;

/// <summary>Runs one trial. Mirrors <c>Microsoft.ML.AutoML.ITrialRunner</c>.</summary>
public interface ITrialRunner : IDisposable
{
    /// <summary>Trains <paramref name="settings"/> and reports how it did.</summary>
    Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken ct);
}
