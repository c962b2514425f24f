using Hpo.LcPfn.Models;

namespace Hpo.Cli.LcPfn;

/// <summary>Turns the expected failures of the lcpfn commands into one clear line on stderr and an exit code.</summary>
internal static class CommandErrors
{
    /// <summary>Exit code for bad input (options, files, values).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a run interrupted by Ctrl+C.</summary>
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Interrupted.").ConfigureAwait(false);
            return Interrupted;
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or LcPfnModelFormatException or FormatException)
        {
            await Console.Error.WriteLineAsync($"error: {Describe(ex)}").ConfigureAwait(false);
            return BadInput;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    // ArgumentException appends " (Parameter 'x')", which names a C# parameter the user never saw.
    private static string Describe(Exception ex) =>
        ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
}
