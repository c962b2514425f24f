using System.Globalization;
using System.Text;

namespace Hpo.Benchmarks.Tabular;

/// <summary>
/// Writes a seeded synthetic binary-classification CSV for <c>hpo bench tabular</c>: numeric columns drawn
/// from N(0, 1) with 1% of cells missing, three categorical columns (5, 20 and 1,000 values, the last hashed),
/// and a label from a noisy linear rule over them, so the models have something to learn.
/// </summary>
internal static class SyntheticCsv
{
    /// <summary>Categorical columns in every file (the rest, but the label, are numeric).</summary>
    public const int CategoricalColumns = 3;

    private static readonly int[] Cardinalities = [5, 20, 1000];

    /// <summary>Writes <paramref name="rows"/> rows of <paramref name="columns"/> columns (the label included) to <paramref name="path"/>.</summary>
    public static void Write(string path, int rows, int columns, int seed)
    {
        int numeric = columns - 1 - CategoricalColumns;
        var random = new Random(seed);
        double[] weights = [.. Enumerable.Range(0, numeric).Select(_ => random.NextDouble() - 0.5)];
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        var line = new StringBuilder();
        line.AppendJoin(',', Enumerable.Range(1, numeric).Select(i => $"x{i}")).Append(",c5,c20,c1000,label");
        writer.WriteLine(line);
        for (int r = 0; r < rows; r++)
        {
            line.Clear();
            double score = 0;
            for (int j = 0; j < numeric; j++)
            {
                double x = Gaussian(random);
                score += weights[j] * x;
                if (random.NextDouble() >= 0.01)
                {
                    line.Append(x.ToString("F4", CultureInfo.InvariantCulture));
                }

                line.Append(',');
            }

            for (int c = 0; c < CategoricalColumns; c++)
            {
                int value = random.Next(Cardinalities[c]);
                score += value % 2 == 0 ? 0.3 : -0.3;
                line.Append('v').Append(value.ToString(CultureInfo.InvariantCulture)).Append(',');
            }

            line.Append(score + (0.5 * Gaussian(random)) > 0 ? "1" : "0");
            writer.WriteLine(line);
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
