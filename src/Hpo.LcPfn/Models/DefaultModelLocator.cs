namespace Hpo.LcPfn.Models;

/// <summary>
/// Finds the default LC-PFN model file shipped in the repository's <c>models/</c> folder and copied
/// next to every application that references Hpo.LcPfn (build and publish output).
/// </summary>
public static class DefaultModelLocator
{
    /// <summary>File name of the shipped default model.</summary>
    public const string FileName = "lcpfn-default.lcpfn";

    /// <summary>Environment variable that overrides the default model path.</summary>
    public const string EnvironmentVariable = "HPO_LCPFN_MODEL";

    /// <summary>
    /// The default model's path, or null when none is found. Looks at <see cref="EnvironmentVariable"/>,
    /// then <c>models/</c> beside the application, then <c>models/</c> in the current folder and its parents.
    /// </summary>
    public static string? Find()
    {
        string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return File.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        }

        return Candidates().FirstOrDefault(File.Exists);
    }

    /// <summary>The default model's path.</summary>
    /// <exception cref="FileNotFoundException">No default model exists; the message lists every place looked at.</exception>
    public static string Require()
    {
        string? found = Find();
        if (found is not null)
        {
            return found;
        }

        string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var looked = string.IsNullOrWhiteSpace(fromEnv)
            ? Candidates().ToList()
            : [$"{fromEnv} (from ${EnvironmentVariable})"];
        throw new FileNotFoundException(
            $"No default LC-PFN model found. Looked in:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", looked)}{Environment.NewLine}" +
            $"Train one with 'hpo lcpfn train --output models/{FileName}', set ${EnvironmentVariable}, or pass a model path.");
    }

    /// <summary>Every place <see cref="Find"/> looks, in order (for error messages and <c>hpo doctor</c>).</summary>
    public static IEnumerable<string> Candidates()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "models", FileName);
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            yield return Path.Combine(dir.FullName, "models", FileName);
        }
    }
}
