using System.Globalization;

namespace Hpo.Cli.LcPfn;

/// <summary>Parses comma-separated numbers from options, naming the bad item on failure.</summary>
internal static class NumberLists
{
    public static double[] ParseDoubles(string? text, string optionName)
    {
        var items = Split(text, optionName);
        var result = new double[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!double.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]))
            {
                throw new ArgumentException($"{optionName}: item {i + 1} ('{items[i]}') is not a number.");
            }

            if (!double.IsFinite(result[i]))
            {
                throw new ArgumentException($"{optionName}: item {i + 1} is {items[i]}; values must be finite numbers.");
            }
        }

        return result;
    }

    public static int[] ParseInts(string? text, string optionName)
    {
        var items = Split(text, optionName);
        var result = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!int.TryParse(items[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]))
            {
                throw new ArgumentException($"{optionName}: item {i + 1} ('{items[i]}') is not a whole number.");
            }
        }

        return result;
    }

    private static string[] Split(string? text, string optionName)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"{optionName} is empty; give comma-separated numbers, e.g. \"0.41,0.55,0.61\".");
        }

        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException($"{optionName} has an empty item in '{text}'.");
        }

        return items;
    }
}
