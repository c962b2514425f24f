using System.Collections.Concurrent;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Storage.Validation;

/// <summary>
/// The default <see cref="IParameterValidator"/>: the configuration must be a flat JSON object of finite numbers,
/// strings and booleans, and a point of the experiment's <see cref="SearchSpace"/> (every name known, none
/// missing, every value inside its dimension). Parsed search spaces are cached by their JSON text, since every
/// trial of an experiment carries the same one.
/// </summary>
public sealed class SearchSpaceParameterValidator : IParameterValidator
{
    private const int CacheLimit = 256;
    private readonly FlatJsonParameterValidator _shape = new();
    private readonly ConcurrentDictionary<string, SearchSpace> _spaces = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void Validate(string searchSpaceJson, string parametersJson)
    {
        ArgumentNullException.ThrowIfNull(searchSpaceJson);
        _shape.Validate(searchSpaceJson, parametersJson);
        if (!_spaces.TryGetValue(searchSpaceJson, out var space))
        {
            space = SearchSpace.FromJson(searchSpaceJson);
            if (_spaces.Count >= CacheLimit)
            {
                _spaces.Clear();
            }

            _spaces[searchSpaceJson] = space;
        }

        try
        {
            space.Validate(TrialParameters.FromJson(parametersJson));
        }
        catch (HpoValidationException ex)
        {
            throw new HpoValidationException($"ParametersJson is outside the experiment's search space: {ex.Message}", ex);
        }
    }
}
