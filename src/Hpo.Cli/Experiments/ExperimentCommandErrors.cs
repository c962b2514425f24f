using System.CommandLine;
using System.Data.Common;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Models;
using Hpo.Scheduler.Persistence;

namespace Hpo.Cli.Experiments;

/// <summary>Turns the expected failures of the experiment commands into one line on stderr and an exit code (2 bad input, 1 failure, 130 interrupted).</summary>
internal static class ExperimentCommandErrors
{
    public static async Task<int> RunAsync(ParseResult parse, Func<CommandErrors.CommandOutput, Task<int>> action)
    {
        var output = new CommandErrors.CommandOutput(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        try
        {
            return await action(output).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await output.Error.WriteLineAsync("Interrupted.").ConfigureAwait(false);
            return CommandErrors.Interrupted;
        }
        catch (Exception ex) when (ex is HpoValidationException or NotFoundException or ArgumentException or FileNotFoundException or LcPfnModelFormatException or FormatException)
        {
            await output.Error.WriteLineAsync($"error: {Describe(ex)}").ConfigureAwait(false);
            return CommandErrors.BadInput;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or DbException)
        {
            await output.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    // ArgumentException appends " (Parameter 'x')", which names a C# parameter the user never saw.
    private static string Describe(Exception ex) =>
        ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
}
