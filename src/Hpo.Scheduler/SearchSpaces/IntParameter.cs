using System.Globalization;
using System.Text.Json.Nodes;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>An integer dimension in [<see cref="Low"/>, <see cref="High"/>], sampled uniformly or log-uniformly and rounded.</summary>
public sealed class IntParameter : ParameterSpec
{
    /// <summary>Creates the dimension.</summary>
    /// <exception cref="ArgumentException">The bounds are not ordered, or not positive on a log scale.</exception>
    public IntParameter(string name, long low, long high, bool log = false)
        : base(name)
    {
        NumericBounds.Check(name, low, high, log);
        Low = low;
        High = high;
        Log = log;
    }

    /// <summary>The smallest admitted value.</summary>
    public long Low { get; }

    /// <summary>The largest admitted value.</summary>
    public long High { get; }

    /// <summary>Whether values are sampled uniformly in log space (then rounded).</summary>
    public bool Log { get; }

    /// <inheritdoc />
    public override string Kind => "int";

    /// <inheritdoc />
    public override object Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u = random.NextDouble();

        // Widening the interval by half a unit on each side gives the end points the same mass as
        // interior integers once rounded (LCBench's "integers rounded" convention).
        // An int on a log scale has low >= 1, so low - 0.5 stays positive.
        double value = Log
            ? Math.Exp(Math.Log(Low - 0.5) + (u * (Math.Log(High + 0.5) - Math.Log(Low - 0.5))))
            : (Low - 0.5) + (u * (High - Low + 1));
        return Math.Clamp((long)Math.Round(value, MidpointRounding.AwayFromZero), Low, High);
    }

    /// <inheritdoc />
    public override string? Check(object value) => value switch
    {
        long l when l >= Low && l <= High => null,
        double d when Math.Abs(d - Math.Round(d)) < 1e-9 && d >= Low && d <= High => null,
        double d when Math.Abs(d - Math.Round(d)) >= 1e-9 => $"Parameter '{Name}' is {d.ToString(CultureInfo.InvariantCulture)}, not an integer.",
        double or long => $"Parameter '{Name}' is {Convert.ToString(value, CultureInfo.InvariantCulture)}, outside [{Low}, {High}].",
        _ => $"Parameter '{Name}' must be an integer, not {value.GetType().Name}.",
    };

    /// <inheritdoc />
    public override IReadOnlyList<object> GridValues(int pointsPerNumeric) =>
        NumericBounds.Grid(Low, High, Log, pointsPerNumeric)
            .Select(v => Math.Clamp((long)Math.Round(v, MidpointRounding.AwayFromZero), Low, High))
            .Distinct()
            .Select(v => (object)v)
            .ToArray();

    /// <inheritdoc />
    public override JsonObject ToJson() => new()
    {
        ["type"] = Kind,
        ["low"] = Low,
        ["high"] = High,
        ["log"] = Log,
    };
}
