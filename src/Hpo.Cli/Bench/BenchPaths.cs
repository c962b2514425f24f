namespace Hpo.Cli.Bench;

/// <summary>Default locations of benchmark inputs.</summary>
internal static class BenchPaths
{
    /// <summary>
    /// The LCBench surrogate folder: the given one, else ../shared/data/yahpo-lcbench beside the
    /// repository (found by walking up from the current folder, then from the app, to Hpo.sln).
    /// </summary>
    /// <exception cref="ArgumentException">None given and none found; the message says where it was looked for.</exception>
    public static string ResolveSurrogate(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return Directory.Exists(given) ? given : throw new ArgumentException($"--surrogate: folder '{given}' does not exist.");
        }

        var looked = new List<string>();
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Hpo.sln")))
                {
                    string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "yahpo-lcbench"));
                    if (Directory.Exists(candidate))
                    {
                        return candidate;
                    }

                    looked.Add(candidate);
                    break;
                }
            }
        }

        throw new ArgumentException(looked.Count == 0
            ? "--surrogate is required: no Hpo.sln above the current folder or the app, so the default ../shared/data/yahpo-lcbench cannot be found."
            : $"--surrogate is required: the default folder does not exist ({string.Join(", ", looked.Distinct())}).");
    }
}
