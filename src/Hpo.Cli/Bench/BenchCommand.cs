using System.CommandLine;
using System.CommandLine.Help;

namespace Hpo.Cli.Bench;

/// <summary><c>hpo bench</c>: the benchmarks that decide whether Hpo beats the alternatives, and measurements of its parts on this machine.</summary>
public static class BenchCommand
{
    /// <summary>The subcommands, one factory per benchmark (add a benchmark with one line here).</summary>
    public static IReadOnlyList<Func<Command>> Subcommands { get; } =
    [
        LcBenchCommand.Create,
        LcBenchExtrapolationCommand.Create,
        PredictorBenchCommand.Create,
        StorageBenchCommand.Create,
        SchedulerBenchCommand.Create,
    ];

    /// <summary>Creates the command group.</summary>
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks: early stopping on LCBench curves (vertical and parallel protocols), extrapolation quality, predictor speed, storage. Each prints JSON with --json; the LCBench, extrapolation and predictor benchmarks write SVG plots with --out.");
        foreach (var create in Subcommands)
        {
            bench.Subcommands.Add(create());
        }

        // A group alone is a question: answer with its help, and fail so scripts notice the missing subcommand.
        bench.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return 1;
        });
        return bench;
    }
}
