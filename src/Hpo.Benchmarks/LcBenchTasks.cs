namespace Hpo.Benchmarks;

/// <summary>The LCBench task sets the benchmarks run on.</summary>
public static class LcBenchTasks
{
    /// <summary>The 24 development tasks (benchmarks issue): tune on these, report the rest separately.</summary>
    public static IReadOnlyList<string> Development { get; } =
    [
        "7593", "34539", "126025", "126026", "126029", "167149", "167152", "167161", "167184", "167185", "167190", "167200",
        "168329", "168330", "168335", "168908", "168910", "189354", "189862", "189865", "189905", "189906", "189908", "189909",
    ];

    /// <summary>
    /// The tasks <paramref name="spec"/> names: <c>dev</c>, <c>all</c> (every task of the surrogate, in
    /// numeric order) or comma-separated OpenML task ids.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, repeats a task, or names a task the surrogate does not know.</exception>
    public static IReadOnlyList<string> Resolve(string spec, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        if (string.IsNullOrWhiteSpace(spec))
        {
            throw new ArgumentException("--tasks is empty; give 'dev', 'all' or comma-separated OpenML task ids.");
        }

        string trimmed = spec.Trim();
        IReadOnlyList<string> tasks = trimmed switch
        {
            "dev" => Development,
            "all" => known.OrderBy(t => long.TryParse(t, out long n) ? n : long.MaxValue).ThenBy(t => t, StringComparer.Ordinal).ToArray(),
            _ => trimmed.Split(',', StringSplitOptions.TrimEntries),
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string task in tasks)
        {
            if (task.Length == 0)
            {
                throw new ArgumentException($"--tasks has an empty item in '{spec}'.");
            }

            if (!known.Contains(task))
            {
                throw new ArgumentException($"--tasks: '{task}' is not an LCBench task of this surrogate (known: {string.Join(", ", known.Order(StringComparer.Ordinal))}).");
            }

            if (!seen.Add(task))
            {
                throw new ArgumentException($"--tasks names task {task} twice.");
            }
        }

        return tasks;
    }
}
