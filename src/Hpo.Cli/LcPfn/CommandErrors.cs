using System.CommandLine;
using Hpo.LcPfn.Models;
using Spectre.Console;

namespace Hpo.Cli.LcPfn;

/// <summary>Turns the expected failures of the lcpfn commands into one clear line on stderr and an exit code.</summary>
internal static class CommandErrors
{
    /// <summary>Exit code for bad input (options, files, values).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a run interrupted by Ctrl+C.</summary>
    public const int Interrupted = 130;

    /// <summary>Runs <paramref name="action"/> with the invocation's writers (the console unless a caller, e.g. a test, redirected them).</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<CommandOutput, Task<int>> action)
    {
        var output = new CommandOutput(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        try
        {
            return await action(output).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await output.Error.WriteLineAsync("Interrupted.").ConfigureAwait(false);
            return Interrupted;
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or LcPfnModelFormatException or FormatException)
        {
            await output.Error.WriteLineAsync($"error: {Describe(ex)}").ConfigureAwait(false);
            return BadInput;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await output.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Stdout and stderr of one invocation, plus a Spectre console writing to stdout.</summary>
    public sealed record CommandOutput(TextWriter Out, TextWriter Error)
    {
        public IAnsiConsole Ansi { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Out) });
    }

    // ArgumentException appends " (Parameter 'x')", which names a C# parameter the user never saw.
    private static string Describe(Exception ex) =>
        ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
}
