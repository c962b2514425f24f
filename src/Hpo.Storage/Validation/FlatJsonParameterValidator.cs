using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Storage.Validation;

/// <summary>
/// The default <see cref="IParameterValidator"/>: the configuration must be a flat JSON object of finite numbers,
/// strings and booleans (what <see cref="TrialParameters"/> reads). It does not interpret the search space; the
/// scheduler's validator replaces it to also check names and ranges.
/// </summary>
public sealed class FlatJsonParameterValidator : IParameterValidator
{
    /// <inheritdoc />
    public void Validate(string searchSpaceJson, string parametersJson)
    {
        ArgumentNullException.ThrowIfNull(parametersJson);
        try
        {
            TrialParameters.FromJson(parametersJson);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or OverflowException)
        {
            throw new HpoValidationException($"ParametersJson is not a flat JSON object of finite numbers, strings and booleans: {ex.Message}", ex);
        }
    }
}
