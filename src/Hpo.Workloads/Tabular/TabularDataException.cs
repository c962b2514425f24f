namespace Hpo.Workloads.Tabular;

/// <summary>A tabular file cannot be used; the message names the file and, where they apply, the line and column.</summary>
public sealed class TabularDataException : FormatException
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    /// <param name="file">The file.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="line">The file line (1-based; the header is line 1), or null.</param>
    /// <param name="column">The column's name, or null.</param>
    public TabularDataException(string file, string problem, int? line = null, string? column = null)
        : base(Compose(file, problem, line, column))
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>The file line, when the problem is on one.</summary>
    public int? Line { get; }

    /// <summary>The column, when the problem is in one.</summary>
    public string? Column { get; }

    private static string Compose(string file, string problem, int? line, string? column)
    {
        string where = (line, column) switch
        {
            ({ } l, { } c) => $" line {l}, column '{c}'",
            ({ } l, null) => $" line {l}",
            (null, { } c) => $" column '{c}'",
            _ => "",
        };
        return $"'{file}'{where}: {problem}";
    }
}
