using System.Text.Json.Nodes;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>A dimension that takes one of a fixed list of choices (strings, booleans or numbers), sampled uniformly.</summary>
public sealed class CategoricalParameter : ParameterSpec
{
    private readonly object[] _choices;

    /// <summary>Creates the dimension.</summary>
    /// <exception cref="ArgumentException">There are no choices, a choice has an unsupported type, or a choice repeats.</exception>
    public CategoricalParameter(string name, IEnumerable<object> choices)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(choices);
        _choices = choices.Select(c => ParameterValues.Normalise(name, c)).ToArray();
        if (_choices.Length == 0)
        {
            throw new ArgumentException($"Parameter '{name}': 'choices' is empty.", nameof(choices));
        }

        if (_choices.Distinct().Count() != _choices.Length)
        {
            throw new ArgumentException($"Parameter '{name}': 'choices' has a repeated value.", nameof(choices));
        }
    }

    /// <summary>The admitted values, in the order given.</summary>
    public IReadOnlyList<object> Choices => _choices;

    /// <inheritdoc />
    public override string Kind => "categorical";

    /// <inheritdoc />
    public override object Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return _choices[random.Next(_choices.Length)];
    }

    /// <inheritdoc />
    public override string? Check(object value) =>
        _choices.Any(c => ParameterValues.AreEqual(c, value))
            ? null
            : $"Parameter '{Name}' is {ParameterValues.Format(value)}, not one of [{string.Join(", ", _choices.Select(ParameterValues.Format))}].";

    /// <inheritdoc />
    public override IReadOnlyList<object> GridValues(int pointsPerNumeric) => _choices;

    /// <inheritdoc />
    public override JsonObject ToJson() => new()
    {
        ["type"] = Kind,
        ["choices"] = new JsonArray(_choices.Select(ParameterValues.ToNode).ToArray()),
    };
}
