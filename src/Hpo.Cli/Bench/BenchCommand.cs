using System.CommandLine;

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
        TabularBenchCommand.Create,
        DashboardBenchCommand.Create,
        FleetBenchCommand.Create,
    ];

    /// <summary>Creates the command group.</summary>
    public static Command Create()
    {
        return CommandGroup.Create(
            "bench",
            "Benchmarks: early stopping on LCBench curves (vertical and parallel protocols), extrapolation quality, predictor speed, storage, the in-process scheduler, the worker fleet, tabular workloads, dashboard. Each prints JSON with --json; the LCBench, extrapolation and predictor benchmarks write SVG plots with --out.",
            Subcommands.Select(create => create()));
    }
}
