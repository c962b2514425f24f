using System.CommandLine;

namespace Hpo.Cli.Bench;

/// <summary><c>hpo bench</c>: measurements of Hpo's parts on this machine.</summary>
public static class BenchCommand
{
    /// <summary>Creates the command group.</summary>
    public static Command Create()
    {
        return CommandGroup.Create("bench", "Measure parts of Hpo on this machine.", StorageBenchCommand.Create());
    }
}
