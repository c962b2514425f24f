namespace Hpo.Cli.Bench;

/// <summary>Checks of options shared by the bench commands.</summary>
internal static class BenchOptions
{
    public static int Threads(int threads) =>
        threads >= 1 ? threads : throw new ArgumentException($"--threads must be at least 1 (got {threads}).");

    /// <summary>Creates the plot folder (null when no --out was given).</summary>
    public static string? PrepareOut(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            return null;
        }

        try
        {
            return Directory.CreateDirectory(folder).FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--out: cannot create folder '{folder}': {ex.Message}", ex);
        }
    }
}
