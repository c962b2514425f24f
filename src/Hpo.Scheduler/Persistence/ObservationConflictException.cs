namespace Hpo.Scheduler.Persistence;

/// <summary>A different value was reported for an epoch that is already stored; the stored value stays.</summary>
public class ObservationConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ObservationConflictException()
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public ObservationConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ObservationConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
