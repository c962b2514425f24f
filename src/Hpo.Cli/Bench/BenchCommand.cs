using System.CommandLine;

namespace Hpo.Cli.Bench;

/// <summary><c>hpo bench</c>: the benchmarks that decide whether Hpo beats the alternatives.</summary>
public static class BenchCommand
{
    /// <summary>The subcommands, one factory per benchmark (add a benchmark with one line here).</summary>
    public static IReadOnlyList<Func<Command>> Subcommands { get; } =
    [
        LcBenchCommand.Create,
        LcBenchExtrapolationCommand.Create,
        PredictorBenchCommand.Create,
    ];

    /// <summary>Creates the command with its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks: early stopping on LCBench curves (vertical and parallel protocols), extrapolation quality, predictor speed. Each prints JSON with --json and writes plots with --out.");
        foreach (var create in Subcommands)
        {
            command.Subcommands.Add(create());
        }

        return command;
    }
}
