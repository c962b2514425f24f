using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Experiments.Files;

/// <summary>
/// An experiment file is invalid. <see cref="Exception.Message"/> reads <c>$.policy.delta: is 1.5; it must be in (0, 1).</c>:
/// the JSON path of the offending field, then the problem.
/// </summary>
public sealed class ExperimentFileException : HpoValidationException
{
    /// <summary>Creates the error for the field at <paramref name="jsonPath"/>.</summary>
    /// <param name="jsonPath">The JSON path of the offending field, e.g. <c>$.policy.delta</c> (<c>$</c> for the whole file).</param>
    /// <param name="problem">What is wrong with it, e.g. <c>must be in (0, 1)</c>.</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    public ExperimentFileException(string jsonPath, string problem, Exception? innerException = null)
        // Exception takes a null inner exception; the base signature just does not say so.
        : base($"{jsonPath}: {problem}", innerException!)
    {
        JsonPath = jsonPath;
        Problem = problem;
    }

    /// <summary>The JSON path of the offending field, e.g. <c>$.policy.delta</c>.</summary>
    public string JsonPath { get; }

    /// <summary>What is wrong with the field.</summary>
    public string Problem { get; }
}
