using Hpo.LcPfn.Native;
using TorchSharp;

namespace Hpo.LcPfn.Runtime;

/// <summary>
/// The one place that initialises TorchSharp: verifies the native library loads (with a clear
/// message when it does not) and sets the CPU thread count.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>Loads TorchSharp's native libraries or throws <see cref="InvalidOperationException"/> naming the cause and the fix.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded)
            {
                return;
            }

            try
            {
                // Any first call runs TorchSharp's static initialiser, which loads libLibTorchSharp.
                _ = torch.get_num_threads();
                _loaded = true;
            }
            catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException)
            {
                throw new InvalidOperationException(DescribeLoadFailure(AppContext.BaseDirectory), ex);
            }
        }
    }

    /// <summary>Sets the number of CPU threads libtorch uses for intra-op parallelism (at least 1).</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        EnsureLoaded();
        torch.set_num_threads(threads);
    }

    /// <summary>A short, factual description of why TorchSharp could not load from <paramref name="applicationDirectory"/>.</summary>
    public static string DescribeLoadFailure(string applicationDirectory)
    {
        var glue = TorchSharpNativeFix.FindGlueLibraries(applicationDirectory);
        if (glue.Count == 0)
        {
            return $"TorchSharp's native library ({TorchSharpNativeFix.GlueLibraryName}) is not in '{applicationDirectory}'. Build or publish the application on linux-x64 with the Hpo.LcPfn package or project (it brings TorchSharp and libtorch-cpu-linux-x64).";
        }

        if (LibStdCxxProbe.TorchSharpFixNeeded())
        {
            bool unpatched = glue.Any(g => ElfVersionNeedPatcher.ReadRequirements(File.ReadAllBytes(g))
                .Any(r => r.Version == ElfVersionNeedPatcher.TorchSharpExtraVersion && !r.IsWeak));
            if (unpatched)
            {
                return $"TorchSharp failed to load: this system's libstdc++ lacks {ElfVersionNeedPatcher.TorchSharpExtraVersion} and '{glue[0]}' was not patched. Rebuild with 'dotnet build' (the build marks that requirement weak), or run 'hpo doctor' for details.";
            }
        }

        return $"TorchSharp failed to load from '{glue[0]}'. Check 'ldd {glue[0]}' for missing libraries; 'hpo doctor' reports the details.";
    }
}
