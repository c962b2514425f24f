namespace Hpo.Workloads.Tabular;

/// <summary>One column of a tabular file as read: its name, kind and what was counted in it.</summary>
/// <param name="Name">The header's name.</param>
/// <param name="Kind">How its values are read.</param>
/// <param name="Missing">Cells that are empty or a missing marker (<c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c>, <c>None</c>, <c>?</c>), plus text in a numeric column (counted in <paramref name="NonNumeric"/> too).</param>
/// <param name="Cardinality">Distinct non-missing values (at most <see cref="CardinalityCap"/> are counted): over the rows that decided the kinds (the first 10,000) for a numeric column, over every row for a categorical one.</param>
/// <param name="NonNumeric">Cells of a numeric column holding text, read as missing.</param>
/// <param name="FirstNonNumericLine">The file line of the first such cell, or 0.</param>
/// <param name="FirstNonNumericValue">That cell's text, or null.</param>
public sealed record TabularColumn(string Name, TabularColumnKind Kind, int Missing, int Cardinality, int NonNumeric = 0, int FirstNonNumericLine = 0, string? FirstNonNumericValue = null)
{
    /// <summary>The most distinct values counted per column; more are shown as "at least" this.</summary>
    public const int CardinalityCap = 100_000;
}
