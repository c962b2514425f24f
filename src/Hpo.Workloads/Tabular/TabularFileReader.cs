using System.Globalization;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// Reads a delimited file with a header row: infers each column's kind from a sample of rows, then streams
/// the whole file into a <see cref="TabularTable"/>, checking every row. Errors name the file, line and column.
/// </summary>
internal static class TabularFileReader
{
    /// <summary>Rows read to decide each column's kind.</summary>
    public const int KindSampleRows = 10_000;

    /// <summary>
    /// The largest fraction of a numeric column's non-missing cells that may hold text (read as missing);
    /// more is an error, since the column is then probably not numeric or the file is corrupt.
    /// </summary>
    public const double NonNumericTolerance = 0.01;

    private static readonly string[] MissingMarkers = ["NA", "N/A", "NaN", "null", "None", "?", "-"];

    /// <summary>Whether a cell counts as missing.</summary>
    public static bool IsMissing(string cell)
    {
        var text = cell.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return true;
        }

        foreach (string marker in MissingMarkers)
        {
            if (text.Equals(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The cell as a finite number, if it is one.</summary>
    public static bool TryParseNumber(string cell, out float value) =>
        float.TryParse(cell.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    /// <summary>The separator to use: <paramref name="separator"/>, else the one the header line shows.</summary>
    /// <exception cref="TabularDataException">The file is missing or empty.</exception>
    public static char ResolveSeparator(string path, char? separator)
    {
        if (!File.Exists(path))
        {
            throw new TabularDataException(path, "the file does not exist");
        }

        string header = CsvRecordReader.ReadFirstLine(path) ?? throw new TabularDataException(path, "the file is empty; expected a header row naming the columns, then one row per example");
        return separator ?? CsvRecordReader.DetectSeparator(header);
    }

    /// <summary>
    /// Reads up to <paramref name="maxRows"/> rows (all when null) and describes the columns: kind (numeric
    /// when at least half of the non-missing cells are numbers), missing cells and distinct values.
    /// </summary>
    public static (IReadOnlyList<TabularColumn> Columns, char Separator, int Rows, bool Truncated) Describe(string path, char? separator, int? maxRows)
    {
        char sep = ResolveSeparator(path, separator);
        using var reader = new CsvRecordReader(path, sep);
        string[] names = ReadHeader(reader, path);
        var stats = names.Select(_ => new ColumnStats(countDistinct: true)).ToArray();
        int rows = 0;
        bool truncated = false;
        while (reader.Read() is { } fields)
        {
            if (maxRows is { } max && rows == max)
            {
                truncated = true;
                break;
            }

            CheckWidth(path, reader.Line, fields, names);
            rows++;
            for (int j = 0; j < names.Length; j++)
            {
                stats[j].Add(fields[j], reader.Line);
            }
        }

        if (rows == 0)
        {
            throw new TabularDataException(path, "the file has a header but no data rows");
        }

        var columns = new TabularColumn[names.Length];
        for (int j = 0; j < names.Length; j++)
        {
            columns[j] = stats[j].Describe(names[j], stats[j].InferKind());
        }

        return (columns, sep, rows, truncated);
    }

    /// <summary>Streams the whole file into a table; numeric columns are those <paramref name="columns"/> say.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="columns">The expected columns (from <see cref="Describe"/> on this or the training file).</param>
    /// <param name="label">The label column.</param>
    /// <param name="used">Whether each column is used (label or feature); unused ones are not stored.</param>
    /// <param name="maxRows">Read at most this many data rows (a sample); null reads all.</param>
    /// <exception cref="TabularDataException">A row is ragged, the header differs, or a numeric column holds too much text.</exception>
    public static TabularTable Load(string path, char separator, IReadOnlyList<TabularColumn> columns, string label, Func<string, bool> used, int? maxRows = null)
    {
        using var reader = new CsvRecordReader(path, separator);
        string[] names = ReadHeader(reader, path);
        foreach (var column in columns.Where(c => used(c.Name)))
        {
            if (Array.IndexOf(names, column.Name) < 0)
            {
                throw new TabularDataException(path, $"the header has no column '{column.Name}' (the training file has it); columns: {string.Join(", ", names)}", 1);
            }
        }

        // The table follows this file's own column order; kinds come from the expected columns.
        var kindOf = columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal);
        int labelIndex = Array.IndexOf(names, label);
        var numbers = new List<float>?[names.Length];
        var codes = new List<int>?[names.Length];
        var vocabularies = new Dictionary<string, int>?[names.Length];
        // Distinct values were counted on the sample; over the whole file only the vocabularies are kept.
        var stats = names.Select(_ => new ColumnStats(countDistinct: false)).ToArray();
        for (int j = 0; j < names.Length; j++)
        {
            if (j == labelIndex || !used(names[j]) || !kindOf.ContainsKey(names[j]))
            {
                continue;
            }

            if (kindOf[names[j]] == TabularColumnKind.Numeric)
            {
                numbers[j] = [];
            }
            else
            {
                codes[j] = [];
                vocabularies[j] = new Dictionary<string, int>(StringComparer.Ordinal);
            }
        }

        var labels = new List<string>();
        var lines = new List<int>();
        int dropped = 0;
        while ((maxRows is null || labels.Count + dropped < maxRows) && reader.Read() is { } fields)
        {
            CheckWidth(path, reader.Line, fields, names);
            for (int j = 0; j < names.Length; j++)
            {
                stats[j].Add(fields[j], reader.Line);
            }

            string labelCell = fields[labelIndex];
            if (IsMissing(labelCell))
            {
                dropped++;
                continue;
            }

            labels.Add(labelCell.Trim());
            lines.Add(reader.Line);
            for (int j = 0; j < names.Length; j++)
            {
                if (numbers[j] is { } numeric)
                {
                    numeric.Add(!IsMissing(fields[j]) && TryParseNumber(fields[j], out float value) ? value : float.NaN);
                }
                else if (codes[j] is { } code)
                {
                    code.Add(IsMissing(fields[j]) ? -1 : Intern(vocabularies[j]!, fields[j].Trim()));
                }
            }
        }

        if (labels.Count == 0)
        {
            throw new TabularDataException(path, dropped == 0 ? "the file has a header but no data rows" : $"every one of the {dropped} rows has a missing label", column: dropped == 0 ? null : label);
        }

        var described = new TabularColumn[names.Length];
        for (int j = 0; j < names.Length; j++)
        {
            var kind = kindOf.TryGetValue(names[j], out var k) ? k : stats[j].InferKind();
            int? cardinality = vocabularies[j]?.Count ?? columns.FirstOrDefault(c => c.Name == names[j])?.Cardinality;
            described[j] = stats[j].Describe(names[j], kind) with { Cardinality = cardinality ?? 0 };
            if (j != labelIndex && used(names[j]))
            {
                CheckNonNumeric(path, described[j], labels.Count + dropped);
            }
        }

        return new TabularTable
        {
            Path = path,
            Separator = separator,
            Columns = described,
            RowCount = labels.Count,
            DroppedRows = dropped,
            Numbers = [.. numbers.Select(n => n?.ToArray())],
            Codes = [.. codes.Select(c => c?.ToArray())],
            Vocabularies = [.. vocabularies.Select(v => v?.OrderBy(p => p.Value).Select(p => p.Key).ToArray())],
            Labels = [.. labels],
            Lines = [.. lines],
        };
    }

    /// <summary>Throws when more than <see cref="NonNumericTolerance"/> of a numeric column's non-missing cells are text.</summary>
    /// <param name="path">The file.</param>
    /// <param name="column">The column as counted over <paramref name="rows"/> rows.</param>
    /// <param name="rows">Rows counted.</param>
    public static void CheckNonNumeric(string path, TabularColumn column, int rows)
    {
        if (column.Kind != TabularColumnKind.Numeric || column.NonNumeric == 0)
        {
            return;
        }

        // Text cells were counted as missing too; the share is of the cells that held anything.
        int filled = Math.Max(1, rows - (column.Missing - column.NonNumeric));
        if ((double)column.NonNumeric / filled > NonNumericTolerance)
        {
            throw new TabularDataException(
                path,
                string.Create(CultureInfo.InvariantCulture, $"'{column.FirstNonNumericValue}' is not a number, and {column.NonNumeric} cells of this numeric column hold text (more than {NonNumericTolerance * 100:0.#}% of its values); fix them, leave them empty to mark them missing, or list the column in 'ignore'"),
                column.FirstNonNumericLine,
                column.Name);
        }
    }

    private static int Intern(Dictionary<string, int> vocabulary, string value)
    {
        if (!vocabulary.TryGetValue(value, out int code))
        {
            code = vocabulary.Count;
            vocabulary.Add(value, code);
        }

        return code;
    }

    private static string[] ReadHeader(CsvRecordReader reader, string path)
    {
        var header = reader.Read() ?? throw new TabularDataException(path, "the file is empty; expected a header row naming the columns, then one row per example");
        string[] names = [.. header.Select(h => h.Trim())];
        for (int j = 0; j < names.Length; j++)
        {
            if (names[j].Length == 0)
            {
                throw new TabularDataException(path, $"header field {j + 1} is empty; every column needs a name (the first line must be a header row)", 1);
            }

            if (Array.IndexOf(names, names[j]) != j)
            {
                throw new TabularDataException(path, $"the header names column '{names[j]}' twice", 1);
            }
        }

        return names;
    }

    private static void CheckWidth(string path, int line, IReadOnlyList<string> fields, string[] names)
    {
        if (fields.Count != names.Length)
        {
            string sep = fields.Count < names.Length ? $"the first missing column is '{names[fields.Count]}'" : "there are more fields than columns";
            throw new TabularDataException(path, $"the row has {fields.Count} fields but the header has {names.Length} columns ({sep}); check the separator and quoting", line);
        }
    }

    /// <summary>Counts one column's cells as they stream past.</summary>
    private sealed class ColumnStats(bool countDistinct)
    {
        private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);
        private readonly HashSet<string> _distinctNumbers = new(StringComparer.Ordinal);
        private int _missing;
        private int _numbers;
        private int _texts;
        private int _firstTextLine;
        private string? _firstText;

        public void Add(string cell, int line)
        {
            if (IsMissing(cell))
            {
                _missing++;
                return;
            }

            string value = cell.Trim();
            if (TryParseNumber(value, out _))
            {
                _numbers++;
                if (countDistinct && _distinctNumbers.Count < TabularColumn.CardinalityCap)
                {
                    _distinctNumbers.Add(value);
                }
            }
            else
            {
                _texts++;
                if (_firstText is null)
                {
                    _firstText = value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "...");
                    _firstTextLine = line;
                }
            }

            if (countDistinct && _distinct.Count < TabularColumn.CardinalityCap)
            {
                _distinct.Add(value);
            }
        }

        public TabularColumnKind InferKind() => _numbers > 0 && _numbers >= _texts ? TabularColumnKind.Numeric : TabularColumnKind.Categorical;

        public TabularColumn Describe(string name, TabularColumnKind kind) => kind == TabularColumnKind.Numeric
            ? new TabularColumn(name, kind, _missing + _texts, _distinctNumbers.Count, _texts, _firstTextLine, _firstText)
            : new TabularColumn(name, kind, _missing, _distinct.Count);
    }
}
