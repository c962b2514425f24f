namespace Hpo.Cli.Doctor;

/// <summary>The outcome of one environment check.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Status">ok, warn or fail.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Required">Whether a failure makes <c>hpo doctor</c> exit with 1.</param>
public sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail, bool Required);
