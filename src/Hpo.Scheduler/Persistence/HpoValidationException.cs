namespace Hpo.Scheduler.Persistence;

/// <summary>Input was rejected before anything was written; the message names the offending field.</summary>
public class HpoValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HpoValidationException()
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public HpoValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public HpoValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
