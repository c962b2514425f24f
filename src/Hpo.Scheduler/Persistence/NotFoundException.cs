namespace Hpo.Scheduler.Persistence;

/// <summary>The experiment, trial or other entity does not exist.</summary>
public class NotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NotFoundException()
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public NotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
