namespace Hpo.Workloads.Tabular;

/// <summary>
/// A tabular file held column by column: numeric columns as floats (NaN when missing), categorical ones as
/// codes into a per-column vocabulary (-1 when missing), and the label's raw text. Built by
/// <see cref="TabularFileReader"/>; each value is stored once, however many trials train on it.
/// </summary>
internal sealed class TabularTable
{
    public required string Path { get; init; }

    public required char Separator { get; init; }

    /// <summary>Every column of the file, in file order, the label and ignored ones included.</summary>
    public required IReadOnlyList<TabularColumn> Columns { get; init; }

    /// <summary>Rows kept (rows whose label is missing are dropped).</summary>
    public required int RowCount { get; init; }

    /// <summary>Rows dropped because their label was missing.</summary>
    public required int DroppedRows { get; init; }

    /// <summary>Per column: its values when numeric, else null.</summary>
    public required float[]?[] Numbers { get; init; }

    /// <summary>Per column: its codes when categorical, else null.</summary>
    public required int[]?[] Codes { get; init; }

    /// <summary>Per column: the categorical vocabulary (code → text), else null.</summary>
    public required string[]?[] Vocabularies { get; init; }

    /// <summary>The label's text per kept row.</summary>
    public required string[] Labels { get; init; }

    /// <summary>The file line of each kept row (for messages about a row).</summary>
    public required int[] Lines { get; init; }

    /// <summary>The index of the column called <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
