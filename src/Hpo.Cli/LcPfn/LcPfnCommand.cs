using System.CommandLine;

namespace Hpo.Cli.LcPfn;

/// <summary><c>hpo lcpfn</c>: train, evaluate and query LC-PFN learning-curve models.</summary>
public static class LcPfnCommand
{
    /// <summary>Creates the command with its subcommands.</summary>
    public static Command Create()
    {
        return CommandGroup.Create(
            "lcpfn",
            "Train, evaluate and query LC-PFN models (transformers that predict how a learning curve continues).",
            TrainCommand.Create(),
            EvalCommand.Create(),
            PredictCommand.Create());
    }
}
