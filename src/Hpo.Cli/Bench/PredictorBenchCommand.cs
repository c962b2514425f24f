using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Runtime;
using Hpo.Benchmarks.Plotting;
using Hpo.Benchmarks.Speed;
using Hpo.Scheduler.Stopping.LcPfn;
using Spectre.Console;

namespace Hpo.Cli.Bench;

/// <summary><c>hpo bench predictor</c>: latency and throughput of the LC-PFN stopping decision.</summary>
public static class PredictorBenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new PredictorSpeedOptions();
        var model = ModelOption.Create();
        var repetitions = new Option<int>("--repetitions") { Description = "Timed rounds (each: one single decision per cut-off and one batch).", DefaultValueFactory = _ => defaults.Repetitions };
        var warmup = new Option<int>("--warmup") { Description = "Untimed rounds first.", DefaultValueFactory = _ => defaults.Warmup };
        var batch = new Option<int>("--batch") { Description = "Running trials decided together in the batch measurement.", DefaultValueFactory = _ => defaults.BatchSize };
        var minCutoff = new Option<int>("--min-cutoff") { Description = "Smallest observed prefix timed.", DefaultValueFactory = _ => defaults.MinCutoff };
        var maxCutoff = new Option<int>("--max-cutoff") { Description = "Largest observed prefix timed.", DefaultValueFactory = _ => defaults.MaxCutoff };
        var horizon = new Option<string>("--horizon")
        {
            Description = "The stopping rule timed: 'final' (P(y_T > best) at the final epoch, the policy's default) or 'remaining' (the largest P over every remaining epoch).",
            DefaultValueFactory = _ => defaults.Horizon == LcPfnHorizon.FinalEpoch ? "final" : "remaining",
        };
        horizon.AcceptOnlyFromAmong("final", "remaining");
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (default 1: faster than 2 on a busy two-core machine).", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON on stdout (progress stays on stderr)." };
        var outDir = new Option<string?>("--out") { Description = "Folder for an SVG plot of latency by cut-off." };
        var command = new Command("predictor", "Speed of the LC-PFN stopping decision through the product's policy: p50/p99 latency of one decision (one trial of 52 epochs, cut-offs 5..50) and decisions/s when a batch of running trials is decided in one call.")
        {
            model, repetitions, warmup, batch, minCutoff, maxCutoff, horizon, threads, json, outDir,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, async output =>
        {
            var options = new PredictorSpeedOptions
            {
                Repetitions = parse.GetValue(repetitions),
                Warmup = parse.GetValue(warmup),
                BatchSize = parse.GetValue(batch),
                MinCutoff = parse.GetValue(minCutoff),
                MaxCutoff = parse.GetValue(maxCutoff),
                Horizon = parse.GetValue(horizon) == "remaining" ? LcPfnHorizon.AnyRemainingEpoch : LcPfnHorizon.FinalEpoch,
            }.Validate();
            string modelPath = ModelOption.Resolve(parse.GetValue(model));
            int threadCount = BenchOptions.Threads(parse.GetValue(threads));
            TorchRuntime.SetThreads(threadCount);
            string? outFolder = BenchOptions.PrepareOut(parse.GetValue(outDir));
            using var predictor = LcPfnPredictor.Load(modelPath);
            var report = PredictorSpeedBenchmark.Run(predictor, options, new BenchProgressPrinter(output.Error, "predictor"), cancellationToken);
            if (outFolder is not null)
            {
                var byCutoff = report.SingleP50ByCutoff;
                File.WriteAllText(Path.Combine(outFolder, "predictor-latency.svg"), SvgChart.Line(
                    "LC-PFN decision latency, one trial (median)", "observed epochs", "ms",
                    [new ChartSeries("p50", byCutoff.Select(c => (double)c.Cutoff).ToArray(), byCutoff.Select(c => c.P50).ToArray())]));
            }

            var a = predictor.Model.Architecture;
            if (parse.GetValue(json))
            {
                var payload = new
                {
                    benchmark = "predictor",
                    model = Path.GetFullPath(modelPath),
                    architecture = new { emsize = a.EmbeddingSize, layers = a.Layers, heads = a.Heads, buckets = a.Buckets, maxEpochs = a.MaxEpochs },
                    horizon = options.Horizon == LcPfnHorizon.FinalEpoch ? "final" : "remaining",
                    threads = threadCount,
                    repetitions = options.Repetitions,
                    cutoffs = new[] { options.MinCutoff, options.MaxCutoff },
                    single = new { p50Ms = BenchJson.Number(report.SingleP50), p99Ms = BenchJson.Number(report.SingleP99), meanMs = BenchJson.Number(report.SingleMean), samples = report.SingleSamples },
                    batch = new { size = options.BatchSize, p50Ms = BenchJson.Number(report.BatchP50), p99Ms = BenchJson.Number(report.BatchP99), decisionsPerSecond = BenchJson.Number(report.DecisionsPerSecond) },
                    singleP50MsByCutoff = report.SingleP50ByCutoff.Select(c => new { cutoff = c.Cutoff, p50Ms = BenchJson.Number(c.P50) }),
                };
                await output.Out.WriteLineAsync(JsonSerializer.Serialize(payload, BenchJson.Options)).ConfigureAwait(false);
                return 0;
            }

            output.Ansi.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFullPath(modelPath)}: emsize {a.EmbeddingSize}, {a.Layers} layers, {a.Buckets} buckets; horizon {options.Horizon}; {threadCount} thread(s), {options.Repetitions} rounds.")));
            var table = new Table().AddColumn("measure").AddColumn(new TableColumn("p50").RightAligned()).AddColumn(new TableColumn("p99").RightAligned()).AddColumn(new TableColumn("throughput").RightAligned());
            table.AddRow("one decision (cut-offs " + options.MinCutoff + ".." + options.MaxCutoff + ")", Ms(report.SingleP50), Ms(report.SingleP99), (1000 / report.SingleP50).ToString("F0", CultureInfo.InvariantCulture) + " decisions/s");
            table.AddRow($"batch of {options.BatchSize} trials", Ms(report.BatchP50), Ms(report.BatchP99), report.DecisionsPerSecond.ToString("F0", CultureInfo.InvariantCulture) + " decisions/s");
            output.Ansi.Write(table);
            return 0;
        }));
        return command;
    }

    private static string Ms(double ms) => ms.ToString("F2", CultureInfo.InvariantCulture) + " ms";
}
