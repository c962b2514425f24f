namespace Hpo.Testing;

/// <summary>
/// Temporary files and folders for tests, all under one root per test process (<c>/tmp/hpo-tests-PID-…</c>)
/// that is deleted when the process exits or, failing that, by the next test process, so test runs do not
/// pile models, plots and databases up in /tmp.
/// </summary>
internal static class TestTemp
{
    private const string Prefix = "hpo-tests-";

    private static readonly Lazy<string> Root = new(CreateRoot, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A new, empty folder whose name starts with <paramref name="prefix"/>.</summary>
    public static string Folder(string prefix)
    {
        string path = Path.Combine(Root.Value, prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A path for a file that does not exist yet, e.g. <c>File("hpo-dashboard-", ".db")</c>.</summary>
    public static string File(string prefix, string extension) =>
        Path.Combine(Root.Value, prefix + Guid.NewGuid().ToString("N") + extension);

    private static string CreateRoot()
    {
        RemoveLeftovers();
        string root = Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    // The test host is not always given the chance to run ProcessExit handlers (vstest may end it), so
    // every run also removes the roots of earlier test processes that no longer exist.
    private static void RemoveLeftovers()
    {
        foreach (string folder in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            string[] parts = Path.GetFileName(folder)[Prefix.Length..].Split('-', 2);
            if (parts.Length == 2 && int.TryParse(parts[0], out int pid) && pid != Environment.ProcessId && !IsRunning(pid))
            {
                TryDelete(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still be writing; the next run removes the rest.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
