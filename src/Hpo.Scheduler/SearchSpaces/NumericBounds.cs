using System.Globalization;

namespace Hpo.Scheduler.SearchSpaces;

/// <summary>Bound checks and grids shared by the numeric dimensions.</summary>
internal static class NumericBounds
{
    public static void Check(string name, double low, double high, bool log)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
        {
            throw new ArgumentException($"Parameter '{name}': 'low' and 'high' must be finite.", nameof(low));
        }

        if (low > high)
        {
            throw new ArgumentException($"Parameter '{name}': 'low' ({low.ToString(CultureInfo.InvariantCulture)}) is greater than 'high' ({high.ToString(CultureInfo.InvariantCulture)}).", nameof(low));
        }

        if (log && low <= 0)
        {
            throw new ArgumentException($"Parameter '{name}': 'low' must be > 0 on a log scale (got {low.ToString(CultureInfo.InvariantCulture)}).", nameof(low));
        }
    }

    public static IEnumerable<double> Grid(double low, double high, bool log, int points)
    {
        if (points < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(points), points, "A grid needs at least one point per numeric parameter.");
        }

        if (points == 1 || low == high)
        {
            // One point: the centre of the range (geometric centre on a log scale).
            yield return log ? Math.Sqrt(low * high) : (low + high) / 2;
            yield break;
        }

        for (int i = 0; i < points; i++)
        {
            double f = (double)i / (points - 1);
            yield return log ? Math.Exp(Math.Log(low) + (f * (Math.Log(high) - Math.Log(low)))) : low + (f * (high - low));
        }
    }
}
