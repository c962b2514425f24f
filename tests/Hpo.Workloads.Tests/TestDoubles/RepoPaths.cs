namespace Hpo.Workloads.Tests.TestDoubles;

/// <summary>Locations relative to the repository (found by walking up to Hpo.sln).</summary>
internal static class RepoPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Hpo.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No Hpo.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The LCBench surrogate shipped in the repository.</summary>
    public static string LcBench => Path.GetFullPath(Path.Combine(Root, "data", "yahpo-lcbench"));
}
