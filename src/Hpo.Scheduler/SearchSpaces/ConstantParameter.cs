using System.Text.Json.Nodes;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>A dimension fixed to one value (so every configuration carries it, e.g. a task id).</summary>
public sealed class ConstantParameter : ParameterSpec
{
    /// <summary>Creates the dimension.</summary>
    /// <exception cref="ArgumentException">The value has an unsupported type.</exception>
    public ConstantParameter(string name, object value)
        : base(name)
    {
        Value = ParameterValues.Normalise(name, value);
    }

    /// <summary>The only admitted value.</summary>
    public object Value { get; }

    /// <inheritdoc />
    public override string Kind => "constant";

    /// <inheritdoc />
    public override object Sample(Random random) => Value;

    /// <inheritdoc />
    public override string? Check(object value) =>
        ParameterValues.AreEqual(Value, value) ? null : $"Parameter '{Name}' is {ParameterValues.Format(value)}, but it is the constant {ParameterValues.Format(Value)}.";

    /// <inheritdoc />
    public override IReadOnlyList<object> GridValues(int pointsPerNumeric) => [Value];

    /// <inheritdoc />
    public override JsonObject ToJson() => new()
    {
        ["type"] = Kind,
        ["value"] = ParameterValues.ToNode(Value),
    };
}
