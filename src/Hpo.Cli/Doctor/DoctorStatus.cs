namespace Hpo.Cli.Doctor;

/// <summary>How a check came out.</summary>
public enum DoctorStatus
{
    /// <summary>Works.</summary>
    Ok,

    /// <summary>Works partly, or an optional part is missing.</summary>
    Warn,

    /// <summary>Does not work.</summary>
    Fail,
}
