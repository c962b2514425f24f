using System.CommandLine;
using Hpo.Cli.Bench;
using Hpo.Cli.Database;
using Hpo.Cli.Doctor;
using Hpo.Cli.Experiments;
using Hpo.Cli.Workers;

namespace Hpo.Cli;

/// <summary>Builds the <c>hpo</c> command tree. Each verb lives in its own feature folder.</summary>
public static class HpoCommandLine
{
    /// <summary>The root command with every verb that works.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "Hpo: hyperparameter optimisation with Bayesian early stopping (LC-PFN).\n" +
            "Proposes configurations, trains them epoch by epoch, and stops the ones an LC-PFN predicts cannot beat the best so far.");
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(LcPfn.LcPfnCommand.Create());
        root.Subcommands.Add(DatabaseCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(Init.InitCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(TrialsCommand.Create());
        root.Subcommands.Add(Dashboard.DashboardCommand.Create());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        return root;
    }
}
