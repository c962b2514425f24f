namespace Hpo.LcPfn.Native;

/// <summary>
/// Applies the Debian 12 libstdc++ fix to the copies of <c>libLibTorchSharp.so</c> in an
/// application folder (build or publish output), and only when the system needs it.
/// </summary>
public static class TorchSharpNativeFix
{
    /// <summary>File name of TorchSharp's native glue library on Linux.</summary>
    public const string GlueLibraryName = "libLibTorchSharp.so";

    /// <summary>
    /// Patches every <see cref="GlueLibraryName"/> directly in <paramref name="applicationDirectory"/> or
    /// under its <c>runtimes/*/native</c> folders. Returns each file with what was done to it.
    /// </summary>
    /// <param name="applicationDirectory">An application's output folder.</param>
    /// <param name="fixNeeded">Whether the system lacks GLIBCXX_3.4.32; defaults to probing this machine.</param>
    public static IReadOnlyList<(string Path, ElfPatchOutcome Outcome)> Apply(string applicationDirectory, bool? fixNeeded = null)
    {
        if (!Directory.Exists(applicationDirectory))
        {
            throw new DirectoryNotFoundException($"Application folder '{applicationDirectory}' does not exist.");
        }

        var files = FindGlueLibraries(applicationDirectory);
        bool needed = fixNeeded ?? LibStdCxxProbe.TorchSharpFixNeeded();
        var results = new List<(string, ElfPatchOutcome)>(files.Count);
        foreach (string file in files)
        {
            results.Add((file, needed ? ElfVersionNeedPatcher.MakeWeak(file, ElfVersionNeedPatcher.TorchSharpExtraVersion) : ElfPatchOutcome.NotNeeded));
        }

        return results;
    }

    /// <summary>The glue libraries an application folder carries (top level and <c>runtimes/*/native</c>).</summary>
    public static IReadOnlyList<string> FindGlueLibraries(string applicationDirectory)
    {
        var files = new List<string>();
        string top = Path.Combine(applicationDirectory, GlueLibraryName);
        if (File.Exists(top))
        {
            files.Add(top);
        }

        string runtimes = Path.Combine(applicationDirectory, "runtimes");
        if (Directory.Exists(runtimes))
        {
            foreach (string rid in Directory.EnumerateDirectories(runtimes).Order(StringComparer.Ordinal))
            {
                string candidate = Path.Combine(rid, "native", GlueLibraryName);
                if (File.Exists(candidate))
                {
                    files.Add(candidate);
                }
            }
        }

        return files;
    }
}
