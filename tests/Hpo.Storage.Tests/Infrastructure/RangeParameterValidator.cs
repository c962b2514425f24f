using System.Globalization;
using System.Text.Json;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Storage.Validation;

namespace Hpo.Storage.Tests.Infrastructure;

/// <summary>
/// A real <see cref="IParameterValidator"/> for the tests' search-space form
/// <c>{"lr": {"min": 0.0001, "max": 1}, "optimizer": {"values": ["sgd", "adam"]}}</c>: every parameter must be
/// declared, numbers within [min, max], categoricals among the values. It shows the seam the scheduler's
/// SearchSpace check plugs into.
/// </summary>
public sealed class RangeParameterValidator : IParameterValidator
{
    private readonly FlatJsonParameterValidator _shape = new();

    public void Validate(string searchSpaceJson, string parametersJson)
    {
        _shape.Validate(searchSpaceJson, parametersJson);
        var parameters = TrialParameters.FromJson(parametersJson);
        using var space = JsonDocument.Parse(searchSpaceJson);
        foreach (var (name, value) in parameters)
        {
            if (!space.RootElement.TryGetProperty(name, out var domain))
            {
                throw new HpoValidationException($"ParametersJson.{name} is not in the search space.");
            }

            if (domain.TryGetProperty("values", out var values))
            {
                string text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
                if (!values.EnumerateArray().Any(v => v.ToString() == text))
                {
                    throw new HpoValidationException($"ParametersJson.{name} = {text} is not one of {values}.");
                }
            }
            else
            {
                double number = parameters.GetDouble(name);
                double min = domain.GetProperty("min").GetDouble();
                double max = domain.GetProperty("max").GetDouble();
                if (number < min || number > max)
                {
                    throw new HpoValidationException(string.Create(CultureInfo.InvariantCulture, $"ParametersJson.{name} = {number} is outside the search space [{min}, {max}]."));
                }
            }
        }
    }
}
