namespace Hpo.Cli.Bench;

/// <summary>Default locations of benchmark inputs.</summary>
internal static class BenchPaths
{
    /// <summary>The surrogate's folder relative to the application or the repository root.</summary>
    private static readonly string RelativeFolder = Path.Combine("data", "yahpo-lcbench");

    /// <summary>
    /// The LCBench surrogate folder: the given one, else <c>data/yahpo-lcbench</c> beside the application (the
    /// build copies it there), else <c>data/yahpo-lcbench</c> in the current folder or one of its parents (a clone).
    /// </summary>
    /// <exception cref="ArgumentException">None given and none found; the message says where it was looked for.</exception>
    public static string ResolveSurrogate(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return Directory.Exists(given) ? given : throw new ArgumentException($"--surrogate: folder '{given}' does not exist.");
        }

        var looked = new List<string> { Path.Combine(AppContext.BaseDirectory, RelativeFolder) };
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            looked.Add(Path.Combine(dir.FullName, RelativeFolder));
        }

        return looked.FirstOrDefault(d => File.Exists(Path.Combine(d, "model.onnx"))) is { } found
            ? Path.GetFullPath(found)
            : throw new ArgumentException($"--surrogate is required: the shipped surrogate (data/yahpo-lcbench/model.onnx) is in none of: {string.Join(", ", looked)}.");
    }
}
