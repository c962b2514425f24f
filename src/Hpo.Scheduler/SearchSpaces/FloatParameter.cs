using System.Globalization;
using System.Text.Json.Nodes;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>A real-valued dimension in [<see cref="Low"/>, <see cref="High"/>], sampled uniformly or log-uniformly.</summary>
public sealed class FloatParameter : ParameterSpec
{
    /// <summary>Creates the dimension.</summary>
    /// <exception cref="ArgumentException">The bounds are not finite, not ordered, or not positive on a log scale.</exception>
    public FloatParameter(string name, double low, double high, bool log = false)
        : base(name)
    {
        NumericBounds.Check(name, low, high, log);
        Low = low;
        High = high;
        Log = log;
    }

    /// <summary>The smallest admitted value.</summary>
    public double Low { get; }

    /// <summary>The largest admitted value.</summary>
    public double High { get; }

    /// <summary>Whether values are sampled uniformly in log space.</summary>
    public bool Log { get; }

    /// <inheritdoc />
    public override string Kind => "float";

    /// <inheritdoc />
    public override object Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u = random.NextDouble();
        double value = Log
            ? Math.Exp(Math.Log(Low) + (u * (Math.Log(High) - Math.Log(Low))))
            : Low + (u * (High - Low));

        // exp(log(x)) can land a few ulps outside the bounds; clamping keeps Sample consistent with Check.
        return Math.Clamp(value, Low, High);
    }

    /// <inheritdoc />
    public override string? Check(object value) => value switch
    {
        double d when d >= Low && d <= High => null,
        long l when l >= Low && l <= High => null,
        double or long => $"Parameter '{Name}' is {Convert.ToString(value, CultureInfo.InvariantCulture)}, outside [{Low.ToString(CultureInfo.InvariantCulture)}, {High.ToString(CultureInfo.InvariantCulture)}].",
        _ => $"Parameter '{Name}' must be a number, not {value.GetType().Name}.",
    };

    /// <inheritdoc />
    public override IReadOnlyList<object> GridValues(int pointsPerNumeric) =>
        NumericBounds.Grid(Low, High, Log, pointsPerNumeric).Select(v => (object)Math.Clamp(v, Low, High)).ToArray();

    /// <inheritdoc />
    public override JsonObject ToJson() => new()
    {
        ["type"] = Kind,
        ["low"] = Low,
        ["high"] = High,
        ["log"] = Log,
    };
}
