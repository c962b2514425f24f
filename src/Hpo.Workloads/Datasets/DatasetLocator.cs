namespace Hpo.Workloads.Datasets;

/// <summary>
/// Finds the dataset files the built-in workloads train on. They ship in the repository's
/// <c>data/datasets/</c> folder and the build copies them to <c>data/datasets/</c> beside every
/// application that references Hpo.Scheduler, so a published application finds them without the repository.
/// </summary>
public static class DatasetLocator
{
    /// <summary>Environment variable naming a folder that holds the dataset files; it overrides the other places.</summary>
    public const string EnvironmentVariable = "HPO_DATASETS";

    /// <summary>The folder, relative to the application or the repository root, that holds the dataset files.</summary>
    public static readonly string RelativeFolder = Path.Combine("data", "datasets");

    /// <summary>
    /// Every place <see cref="Locate"/> looks for <paramref name="fileName"/>, in order: the folder named by
    /// <see cref="EnvironmentVariable"/> (when set, the only place), <c>data/datasets/</c> beside the
    /// application, then <c>data/datasets/</c> in the current folder and each of its parents.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty or contains a folder.</exception>
    public static IEnumerable<string> Candidates(string fileName)
    {
        ValidateFileName(fileName);
        return Candidates(fileName, Environment.GetEnvironmentVariable(EnvironmentVariable), AppContext.BaseDirectory, Directory.GetCurrentDirectory());
    }

    /// <summary>The full path of <paramref name="fileName"/>, or null when it is in none of the <see cref="Candidates(string)"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty or contains a folder.</exception>
    public static string? Find(string fileName) => Candidates(fileName).FirstOrDefault(File.Exists) is { } path ? Path.GetFullPath(path) : null;

    /// <summary>The full path of <paramref name="fileName"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty or contains a folder.</exception>
    /// <exception cref="FileNotFoundException">The file is in none of the <see cref="Candidates(string)"/>; the message lists them.</exception>
    public static string Locate(string fileName)
    {
        string[] candidates = [.. Candidates(fileName)];
        return candidates.FirstOrDefault(File.Exists) is { } path
            ? Path.GetFullPath(path)
            : throw new FileNotFoundException(
                $"Dataset '{fileName}' was not found. Looked in: {string.Join(", ", candidates.Select(c => $"'{c}'"))}. "
                + $"Build or publish the application (the build copies {RelativeFolder}/ beside it), run from the repository, "
                + $"or set {EnvironmentVariable} to the folder that holds the file.",
                fileName);
    }

    /// <summary>The search order for explicit folders (the environment variable's value, the application's and the current one).</summary>
    internal static IEnumerable<string> Candidates(string fileName, string? environmentFolder, string applicationFolder, string currentFolder)
    {
        if (!string.IsNullOrWhiteSpace(environmentFolder))
        {
            // An explicit folder is the user's intent: falling back elsewhere would hide a typo.
            yield return Path.Combine(environmentFolder, fileName);
            yield break;
        }

        yield return Path.Combine(applicationFolder, RelativeFolder, fileName);
        for (var dir = new DirectoryInfo(currentFolder); dir is not null; dir = dir.Parent)
        {
            yield return Path.Combine(dir.FullName, RelativeFolder, fileName);
        }
    }

    private static void ValidateFileName(string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (Path.GetFileName(fileName) != fileName)
        {
            throw new ArgumentException($"Dataset file name '{fileName}' must not contain a folder.", nameof(fileName));
        }
    }
}
