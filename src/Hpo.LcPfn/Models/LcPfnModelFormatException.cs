namespace Hpo.LcPfn.Models;

/// <summary>A file is not a readable LC-PFN model: wrong kind of file, unsupported format version, truncated or corrupted.</summary>
public sealed class LcPfnModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LcPfnModelFormatException()
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    public LcPfnModelFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public LcPfnModelFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
