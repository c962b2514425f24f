namespace Hpo.Scheduler.Tuning;

/// <summary>A tuner with a finite number of distinct proposals (a grid); the experiment loop starts no more trials than that.</summary>
public interface IFiniteTuner : ITuner
{
    /// <summary>How many distinct configurations it proposes.</summary>
    long Capacity { get; }
}
