namespace Hpo.Scheduler.AutoMl;

/// <summary>Observes trials as they run. Mirrors <c>Microsoft.ML.AutoML.IMonitor</c>.</summary>
public interface IMonitor
{
    /// <summary>A trial ended (completed or stopped early).</summary>
    void ReportCompletedTrial(TrialResult result);

    /// <summary>A trial became the best so far.</summary>
    void ReportBestTrial(TrialResult result);

    /// <summary>A trial failed.</summary>
    void ReportFailTrial(TrialSettings settings, Exception? exception = null);

    /// <summary>A trial started.</summary>
    void ReportRunningTrial(TrialSettings settings);
}
