using System.Diagnostics;

namespace Hpo.LcPfn.Native;

/// <summary>Finds the system C++ runtime and tells whether it defines a given GLIBCXX version.</summary>
public static class LibStdCxxProbe
{
    // Where Debian, Ubuntu, Fedora and Alpine-glibc put the system libstdc++.
    private static readonly string[] WellKnownPaths =
    [
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    ];

    /// <summary>Path of the libstdc++ the dynamic loader would pick, or null when none is found (or not Linux).</summary>
    public static string? FindSystemLibStdCxx()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        string? fromLdconfig = FromLdconfig();
        if (fromLdconfig is not null)
        {
            return fromLdconfig;
        }

        return WellKnownPaths.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Whether the libstdc++ at <paramref name="libraryPath"/> defines <paramref name="version"/>
    /// (reads its <c>.gnu.version_d</c>).
    /// </summary>
    public static bool Defines(string libraryPath, string version)
    {
        byte[] bytes = File.ReadAllBytes(Path.GetFullPath(libraryPath));
        return ElfVersionNeedPatcher.ReadDefinitions(bytes).Contains(version);
    }

    /// <summary>
    /// Whether TorchSharp's glue library needs the weak-version fix on this machine: true only on Linux
    /// when the system libstdc++ is found and lacks <see cref="ElfVersionNeedPatcher.TorchSharpExtraVersion"/>.
    /// </summary>
    public static bool TorchSharpFixNeeded()
    {
        string? lib = FindSystemLibStdCxx();
        return lib is not null && !Defines(lib, ElfVersionNeedPatcher.TorchSharpExtraVersion);
    }

    private static string? FromLdconfig()
    {
        foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (!File.Exists(ldconfig))
            {
                continue;
            }

            try
            {
                using var process = Process.Start(new ProcessStartInfo(ldconfig, "-p")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process is null)
                {
                    return null;
                }

                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                string arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
                {
                    System.Runtime.InteropServices.Architecture.X64 => "x86-64",
                    System.Runtime.InteropServices.Architecture.Arm64 => "AArch64",
                    _ => string.Empty,
                };
                foreach (string line in output.Split('\n'))
                {
                    // "	libstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6"
                    string trimmed = line.Trim();
                    if (!trimmed.StartsWith("libstdc++.so.6 ", StringComparison.Ordinal) || !trimmed.Contains(arch, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    int arrow = trimmed.IndexOf("=> ", StringComparison.Ordinal);
                    if (arrow > 0)
                    {
                        string path = trimmed[(arrow + 3)..].Trim();
                        if (File.Exists(path))
                        {
                            return path;
                        }
                    }
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        return null;
    }
}
