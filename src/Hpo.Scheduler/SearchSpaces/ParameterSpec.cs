using System.Text.Json.Nodes;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>One dimension of a <see cref="SearchSpace"/>: its name, how to sample it and which values it admits.</summary>
public abstract class ParameterSpec
{
    /// <summary>Creates a dimension called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    protected ParameterSpec(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A parameter name is empty.", nameof(name));
        }

        Name = name;
    }

    /// <summary>The parameter's name (the key in <see cref="TrialParameters"/>).</summary>
    public string Name { get; }

    /// <summary>The <c>type</c> field of the JSON form: <c>float</c>, <c>int</c>, <c>categorical</c> or <c>constant</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Draws a value; the same <paramref name="random"/> state gives the same value.</summary>
    public abstract object Sample(Random random);

    /// <summary>Null when <paramref name="value"/> lies in this dimension, otherwise why not (naming the parameter).</summary>
    public abstract string? Check(object value);

    /// <summary>The values a grid search visits: <paramref name="pointsPerNumeric"/> evenly spaced points (in log space for log dimensions) for numeric dimensions, every choice otherwise.</summary>
    public abstract IReadOnlyList<object> GridValues(int pointsPerNumeric);

    /// <summary>The JSON object of this dimension (without its name).</summary>
    public abstract JsonObject ToJson();
}
