namespace Hpo.Workers.Jobs;

/// <summary>
/// Thrown by a trial job when the trial's own workload failed, so that Hangfire retries it (or, on the final
/// attempt, marks the job Failed; the trial itself is then Failed in the store with the error).
/// </summary>
public sealed class TrialAttemptFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrialAttemptFailedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrialAttemptFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TrialAttemptFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
