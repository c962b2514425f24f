namespace Hpo.LcPfn.Native;

/// <summary>Thrown when a file is not a well-formed little-endian ELF64 object, or is truncated.</summary>
public sealed class ElfFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ElfFormatException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    public ElfFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ElfFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
