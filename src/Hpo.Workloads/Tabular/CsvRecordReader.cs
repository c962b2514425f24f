using System.Text;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// Reads delimited records one at a time from a text stream (RFC 4180 quoting: a quoted field may hold the
/// separator, doubled quotes and line breaks), so a file of any size is read without holding it in memory.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    /// <summary>The separators that detection considers, in order of preference on a tie.</summary>
    public static readonly char[] CandidateSeparators = [',', '\t', ';', '|'];

    private readonly TextReader _reader;
    private readonly string _path;
    private readonly List<string> _fields = [];
    private readonly StringBuilder _field = new();
    private int _nextLine = 1;

    public CsvRecordReader(string path, char separator)
    {
        _path = path;
        Separator = separator;
        _reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { Access = FileAccess.Read, Share = FileShare.Read, BufferSize = 1 << 16 });
    }

    /// <summary>The field separator.</summary>
    public char Separator { get; }

    /// <summary>The file line on which the last record returned by <see cref="Read"/> started (1-based).</summary>
    public int Line { get; private set; }

    /// <summary>
    /// The separator of <paramref name="headerLine"/>: the candidate that occurs most often outside quotes
    /// (a comma when none occurs, i.e. a single column).
    /// </summary>
    public static char DetectSeparator(string headerLine)
    {
        ArgumentNullException.ThrowIfNull(headerLine);
        var counts = new int[CandidateSeparators.Length];
        bool quoted = false;
        foreach (char c in headerLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && Array.IndexOf(CandidateSeparators, c) is >= 0 and var i)
            {
                counts[i]++;
            }
        }

        int best = 0;
        for (int i = 1; i < counts.Length; i++)
        {
            best = counts[i] > counts[best] ? i : best;
        }

        return CandidateSeparators[best];
    }

    /// <summary>The first line of <paramref name="path"/>, or null when the file is empty.</summary>
    public static string? ReadFirstLine(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadLine();
    }

    /// <summary>
    /// The next record's fields (the returned list is reused by the next call), or null at the end of the
    /// file. Blank lines are skipped.
    /// </summary>
    /// <exception cref="TabularDataException">A quoted field is not closed before the end of the file.</exception>
    public IReadOnlyList<string>? Read()
    {
        string? line;
        do
        {
            line = _reader.ReadLine();
            if (line is null)
            {
                return null;
            }

            Line = _nextLine++;
        }
        while (line.Length == 0);

        _fields.Clear();
        _field.Clear();
        bool quoted = false;
        int i = 0;
        while (true)
        {
            if (i == line.Length)
            {
                if (!quoted)
                {
                    break;
                }

                // A line break inside quotes belongs to the field.
                line = _reader.ReadLine() ?? throw new TabularDataException(_path, "a quoted field is not closed before the end of the file", Line);
                _nextLine++;
                _field.Append('\n');
                i = 0;
                continue;
            }

            char c = line[i++];
            if (quoted)
            {
                if (c != '"')
                {
                    _field.Append(c);
                }
                else if (i < line.Length && line[i] == '"')
                {
                    _field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == Separator)
            {
                _fields.Add(_field.ToString());
                _field.Clear();
            }
            else
            {
                _field.Append(c);
            }
        }

        _fields.Add(_field.ToString());
        return _fields;
    }

    public void Dispose() => _reader.Dispose();
}
