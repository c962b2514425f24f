namespace Hpo.Scheduler.Persistence;

/// <summary>A write carried a lease that is no longer the trial's current one (another worker took it over); nothing was written.</summary>
public class StaleLeaseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StaleLeaseException()
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public StaleLeaseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StaleLeaseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
