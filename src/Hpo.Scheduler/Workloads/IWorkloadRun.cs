namespace Hpo.Scheduler.Workloads;

/// <summary>One configuration being trained; trains and evaluates one epoch per call.</summary>
public interface IWorkloadRun : IAsyncDisposable
{
    /// <summary>Trains epoch <paramref name="epoch"/> (1-based, consecutive) and returns its validation metric.</summary>
    Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default);
}
