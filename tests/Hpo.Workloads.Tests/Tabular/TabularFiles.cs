using Hpo.Workloads.Tests.TestDoubles;
using Hpo.Testing;

namespace Hpo.Workloads.Tests.Tabular;

/// <summary>The shipped header-row datasets and small CSV files written for a test.</summary>
internal static class TabularFiles
{
    public static string Iris => Path.Combine(RepoPaths.Root, "data", "datasets", "iris-header.csv");

    public static string Wine => Path.Combine(RepoPaths.Root, "data", "datasets", "wine-header.csv");

    /// <summary>Writes <paramref name="text"/> to a new temporary file.</summary>
    public static string Write(string text, string extension = ".csv")
    {
        string path = TestTemp.File("hpo-tabular-", extension);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// A seeded binary problem: numeric x1 (some cells missing), x2, a categorical colour, an id; the
    /// label is 1 when x1 + x2 + (colour is red) > 1, with a little noise.
    /// </summary>
    public static string Binary(int rows, int seed = 1)
    {
        var random = new Random(seed);
        string[] colours = ["red", "green", "blue"];
        var lines = new List<string> { "id,x1,x2,colour,label" };
        for (int i = 0; i < rows; i++)
        {
            double x1 = random.NextDouble() * 2, x2 = random.NextDouble() * 2;
            string colour = colours[random.Next(3)];
            bool label = x1 + x2 + (colour == "red" ? 1 : 0) + ((random.NextDouble() - 0.5) * 0.2) > 2;
            string x1Text = i % 10 == 3 ? "" : x1.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
            lines.Add($"{i},{x1Text},{x2.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)},{colour},{(label ? "yes" : "no")}");
        }

        return Write(string.Join('\n', lines) + "\n");
    }
}
