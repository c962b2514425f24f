namespace Hpo.Workloads.Tabular;

/// <summary>
/// Turns a table's feature columns into a dense float matrix, with everything learnt from the training rows
/// only: numeric columns standardised (missing values imputed with the mean, i.e. 0, plus a 0/1 indicator
/// when the training rows have any missing), categorical columns one-hot encoded when they have at most
/// <c>maxOneHot</c> values (missing and unseen values: all zeros) or hashed into buckets otherwise.
/// </summary>
internal sealed class TabularEncoder
{
    private readonly Feature[] _features;

    private TabularEncoder(Feature[] features)
    {
        _features = features;
        Width = features.Sum(f => f.Width);
    }

    /// <summary>Values per encoded row.</summary>
    public int Width { get; }

    /// <summary>How each source column is encoded, e.g. <c>petal_width: standardised</c>.</summary>
    public IReadOnlyList<(string Column, string Encoding)> Describe() => [.. _features.Select(f => (f.Column, f.Encoding))];

    /// <summary>Learns the encoding of <paramref name="columns"/> from the rows <paramref name="rows"/> of <paramref name="table"/>.</summary>
    public static TabularEncoder Fit(TabularTable table, IReadOnlyList<string> columns, IReadOnlyList<int> rows, int maxOneHot, int hashBuckets)
    {
        var features = new Feature[columns.Count];
        for (int f = 0; f < columns.Count; f++)
        {
            int j = table.IndexOf(columns[f]);
            if (table.Numbers[j] is { } numbers)
            {
                double sum = 0, sumSquares = 0;
                int present = 0;
                foreach (int r in rows)
                {
                    float v = numbers[r];
                    if (!float.IsNaN(v))
                    {
                        sum += v;
                        sumSquares += (double)v * v;
                        present++;
                    }
                }

                double mean = present == 0 ? 0 : sum / present;
                double sd = present == 0 ? 0 : Math.Sqrt(Math.Max(0, (sumSquares / present) - (mean * mean)));
                features[f] = new Feature(columns[f], (float)mean, sd > 1e-8 ? (float)sd : 1f, present < rows.Count, null, 0);
            }
            else
            {
                int[] codes = table.Codes[j]!;
                string[] vocabulary = table.Vocabularies[j]!;
                var seen = new bool[vocabulary.Length];
                foreach (int r in rows)
                {
                    if (codes[r] >= 0)
                    {
                        seen[codes[r]] = true;
                    }
                }

                string[] values = [.. vocabulary.Where((_, code) => seen[code]).Order(StringComparer.Ordinal)];
                features[f] = values.Length <= maxOneHot
                    ? new Feature(columns[f], 0, 1, false, values.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal), 0)
                    : new Feature(columns[f], 0, 1, false, null, hashBuckets);
            }
        }

        return new TabularEncoder(features);
    }

    /// <summary>The encoded rows <paramref name="rows"/> of <paramref name="table"/> (row-major, <see cref="Width"/> per row).</summary>
    public float[] Transform(TabularTable table, IReadOnlyList<int> rows)
    {
        var output = new float[(long)rows.Count * Width];
        int offset = 0;
        foreach (var feature in _features)
        {
            int j = table.IndexOf(feature.Column);
            if (table.Numbers[j] is { } numbers)
            {
                for (int i = 0; i < rows.Count; i++)
                {
                    float v = numbers[rows[i]];
                    long at = ((long)i * Width) + offset;
                    output[at] = float.IsNaN(v) ? 0f : (v - feature.Mean) / feature.Scale;
                    if (feature.MissingIndicator)
                    {
                        output[at + 1] = float.IsNaN(v) ? 1f : 0f;
                    }
                }
            }
            else
            {
                // Slots per code of this table's own vocabulary (a validation file has its own codes).
                string[] vocabulary = table.Vocabularies[j]!;
                int[] slot = new int[vocabulary.Length];
                for (int code = 0; code < vocabulary.Length; code++)
                {
                    slot[code] = feature.OneHot is { } oneHot
                        ? (oneHot.TryGetValue(vocabulary[code], out int s) ? s : -1)
                        : (int)(Fnv1a(vocabulary[code]) % (uint)feature.Buckets);
                }

                int[] codes = table.Codes[j]!;
                for (int i = 0; i < rows.Count; i++)
                {
                    int code = codes[rows[i]];
                    if (code >= 0 && slot[code] >= 0)
                    {
                        output[((long)i * Width) + offset + slot[code]] = 1f;
                    }
                }
            }

            offset += feature.Width;
        }

        return output;
    }

    /// <summary>FNV-1a over UTF-16 code units: a stable hash on every machine and process (string.GetHashCode is randomised).</summary>
    internal static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return hash;
    }

    private sealed record Feature(string Column, float Mean, float Scale, bool MissingIndicator, Dictionary<string, int>? OneHot, int Buckets)
    {
        public int Width => OneHot is { } oneHot ? oneHot.Count : Buckets > 0 ? Buckets : MissingIndicator ? 2 : 1;

        public string Encoding => OneHot is { } oneHot ? $"one-hot ({oneHot.Count} values)"
            : Buckets > 0 ? $"hashed ({Buckets} buckets)"
            : MissingIndicator ? "standardised, missing imputed with the mean + indicator"
            : "standardised";
    }
}
