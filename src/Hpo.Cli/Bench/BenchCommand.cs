using System.CommandLine;
using System.CommandLine.Help;

namespace Hpo.Cli.Bench;

/// <summary><c>hpo bench</c>: measurements of Hpo's parts on this machine.</summary>
public static class BenchCommand
{
    /// <summary>Creates the command group.</summary>
    public static Command Create()
    {
        var bench = new Command("bench", "Measure parts of Hpo on this machine.");
        bench.Subcommands.Add(StorageBenchCommand.Create());

        // A group alone is a question: answer with its help, and fail so scripts notice the missing subcommand.
        bench.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return 1;
        });
        return bench;
    }
}
