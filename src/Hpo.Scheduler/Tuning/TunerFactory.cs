using System.Text.Json.Nodes;
using Hpo.Scheduler.Configuration;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Tuning;

/// <summary>
/// Builds a tuner from its JSON settings (<see cref="ExperimentSpec.TunerJson"/>):
/// <c>{"type":"random","seed":42}</c> or <c>{"type":"grid","pointsPerNumeric":5,"seed":0,"shuffle":true}</c>.
/// <c>seed</c> defaults to the experiment's seed.
/// </summary>
public sealed class TunerFactory
{
    /// <summary>Creates the tuner described by <paramref name="json"/> over <paramref name="space"/>.</summary>
    /// <exception cref="HpoValidationException">The settings are invalid; the message names the field.</exception>
    public ITuner Create(string json, SearchSpace space, int defaultSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        var settings = JsonSettings.Parse(json, "tuner");
        string type = settings.RequiredString("type");
        switch (type)
        {
            case "random":
                settings.AllowOnly("type", "seed");
                return new RandomSearchTuner(space, settings.OptionalInt("seed", int.MinValue, int.MaxValue) ?? defaultSeed);
            case "grid":
                settings.AllowOnly("type", "seed", "pointsPerNumeric", "shuffle");
                int points = settings.OptionalInt("pointsPerNumeric", 1, 1000) ?? 5;
                long size = space.GridSize(points);
                if (size > 10_000_000)
                {
                    throw new HpoValidationException($"Tuner field 'pointsPerNumeric' ({points}) makes a grid of {size} points; the limit is 10,000,000.");
                }

                return new GridSearchTuner(space, points, settings.OptionalInt("seed", int.MinValue, int.MaxValue) ?? defaultSeed, settings.OptionalBool("shuffle") ?? true);
            default:
                throw new HpoValidationException($"Tuner field 'type' is '{type}'; expected random or grid.");
        }
    }
}
