using System.CommandLine;

namespace Hpo.Cli.LcPfn;

/// <summary><c>hpo lcpfn</c>: train, evaluate and query LC-PFN learning-curve models.</summary>
public static class LcPfnCommand
{
    /// <summary>Creates the command with its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("lcpfn", "Train, evaluate and query LC-PFN models (transformers that predict how a learning curve continues).");
        command.Subcommands.Add(TrainCommand.Create());
        command.Subcommands.Add(EvalCommand.Create());
        command.Subcommands.Add(PredictCommand.Create());
        return command;
    }
}
