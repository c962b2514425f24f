namespace Hpo.Scheduler.Persistence;

/// <summary>The trial is in a state that does not allow the operation (e.g. it has already finished).</summary>
public class TrialStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrialStateException()
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public TrialStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TrialStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
