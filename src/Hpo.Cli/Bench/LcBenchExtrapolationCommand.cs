using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Runtime;
using Hpo.Benchmarks;
using Hpo.Benchmarks.Extrapolation;
using Hpo.Benchmarks.Plotting;
using Hpo.Workloads.LcBench;
using Spectre.Console;

namespace Hpo.Cli.Bench;

/// <summary><c>hpo bench lcbench-extrapolation</c>: how well the LC-PFN predicts the rest of real learning curves.</summary>
public static class LcBenchExtrapolationCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new ExtrapolationOptions();
        var surrogate = new Option<string?>("--surrogate") { Description = "The yahpo-lcbench folder. Default: the shipped data/yahpo-lcbench (beside the app, or in the current folder or a parent)." };
        var tasks = new Option<string>("--tasks") { Description = "dev (the 24 development tasks), all, or comma-separated OpenML task ids.", DefaultValueFactory = _ => "dev" };
        var curves = new Option<int>("--curves") { Description = "Curves (sampled configurations) per task.", DefaultValueFactory = _ => defaults.CurvesPerTask };
        var cutoffs = new Option<string>("--cutoffs") { Description = "Comma-separated cut-offs in percent of the 52 epochs.", DefaultValueFactory = _ => string.Join(',', defaults.CutoffPercents) };
        var seed = new Option<int>("--seed") { Description = "Seed of the sampled configurations.", DefaultValueFactory = _ => 0 };
        var model = BenchModels.CreateOption();
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (default 1: faster than 2 on a busy two-core machine).", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON on stdout (progress stays on stderr)." };
        var outDir = new Option<string?>("--out") { Description = "Folder for SVG plots (log-likelihood and MSE per cut-off)." };
        var command = new Command("lcbench-extrapolation", "Extrapolation quality on LCBench curves as the YAHPO Gym surrogate predicts them (surrogate curves, not the raw LCBench data): per cut-off, mean log-likelihood and MSE of the LC-PFN's prediction of the unseen remainder, against last value carried forward and a least-squares power law (each with a Gaussian of its observed noise / residual scale).")
        {
            surrogate, tasks, curves, cutoffs, seed, model, threads, json, outDir,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, async output =>
        {
            string folder = BenchPaths.ResolveSurrogate(parse.GetValue(surrogate));
            using var lcbench = new LcBenchSurrogate(folder, intraOpThreads: 2);
            var options = new ExtrapolationOptions
            {
                Tasks = LcBenchTasks.Resolve(parse.GetValue(tasks)!, lcbench.TaskIds),
                CurvesPerTask = parse.GetValue(curves),
                CutoffPercents = NumberLists.ParseInts(parse.GetValue(cutoffs), "--cutoffs"),
                Seed = parse.GetValue(seed),
            }.Validate();
            var modelSpecs = BenchModels.Parse(parse.GetValue(model));
            TorchRuntime.SetThreads(BenchOptions.Threads(parse.GetValue(threads)));
            string? outFolder = BenchOptions.PrepareOut(parse.GetValue(outDir));
            using var models = BenchModels.Load(modelSpecs);
            var report = ExtrapolationBenchmark.Run(
                t => LcBenchPool.Create(lcbench, t, options.CurvesPerTask, options.Seed),
                options,
                models.Models,
                new BenchProgressPrinter(output.Error, "lcbench-extrapolation"),
                cancellationToken);
            if (outFolder is not null)
            {
                WritePlots(report, outFolder);
            }

            if (parse.GetValue(json))
            {
                await output.Out.WriteLineAsync(ToJson(report, models).ToJsonString(BenchJson.Options)).ConfigureAwait(false);
                return 0;
            }

            if (models.Named)
            {
                // Each model adds two columns; redirected output defaults to 80 columns, which would fold them.
                output.Ansi.Profile.Width = Math.Max(output.Ansi.Profile.Width, 180);
            }

            output.Ansi.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"LCBench extrapolation: {options.Tasks.Count} task(s) × {options.CurvesPerTask} curves, seed {options.Seed}; {report.Seconds:F0} s. Log-likelihood: higher is better; MSE: lower is better.")));
            if (models.Named)
            {
                output.Ansi.MarkupLine(Markup.Escape($"Models (lcpfn@NAME): {models.Describe()}."));
            }

            var table = new Table().AddColumn("cut-off").AddColumn(new TableColumn("observed").RightAligned());
            foreach (string m in report.Methods)
            {
                table.AddColumn(new TableColumn($"{m} LL").RightAligned());
            }

            foreach (string m in report.Methods)
            {
                table.AddColumn(new TableColumn($"{m} MSE").RightAligned());
            }

            foreach (var group in report.Overall.GroupBy(r => r.CutoffPercent))
            {
                var rows = report.Methods.Select(m => group.First(r => r.Method == m)).ToArray();
                table.AddRow([
                    $"{group.Key}%",
                    rows[0].ObservedEpochs.ToString(CultureInfo.InvariantCulture),
                    .. rows.Select(r => r.LogLikelihood.ToString("F3", CultureInfo.InvariantCulture)),
                    .. rows.Select(r => r.Mse.ToString("E2", CultureInfo.InvariantCulture)),
                ]);
            }

            output.Ansi.Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>The JSON document: <c>model</c> is the one model's full path, or null and followed by <c>models</c> (name, path, SHA-256 each) when models are named.</summary>
    private static JsonObject ToJson(ExtrapolationReport report, BenchModels models)
    {
        var document = JsonSerializer.SerializeToNode(new
        {
            benchmark = "lcbench-extrapolation",
            tasks = report.Options.Tasks,
            curvesPerTask = report.Options.CurvesPerTask,
            cutoffPercents = report.Options.CutoffPercents,
            seed = report.Options.Seed,
            model = models.Named ? null : models.Files[0].Path,
            seconds = Math.Round(report.Seconds, 1),
            overall = report.Overall.Select(Row),
            perTask = report.PerTask.Select(Row),
        }, BenchJson.Options)!.AsObject();
        if (models.Named)
        {
            document.Insert(document.IndexOf("model") + 1, "models", models.ToJson());
        }

        return document;
    }

    private static object Row(ExtrapolationResult r) => new
    {
        task = r.TaskId,
        method = r.Method,
        cutoffPercent = r.CutoffPercent,
        observedEpochs = r.ObservedEpochs,
        curves = r.Curves,
        logLikelihood = BenchJson.Number(r.LogLikelihood),
        mse = BenchJson.Number(r.Mse),
    };

    private static void WritePlots(ExtrapolationReport report, string folder)
    {
        ChartSeries Series(string method, Func<ExtrapolationResult, double> value)
        {
            var rows = report.Overall.Where(r => r.Method == method).OrderBy(r => r.CutoffPercent).ToArray();
            return new ChartSeries(method, rows.Select(r => (double)r.CutoffPercent).ToArray(), rows.Select(value).ToArray());
        }

        File.WriteAllText(Path.Combine(folder, "extrapolation-loglik.svg"), SvgChart.Line(
            "Log-likelihood of the unseen remainder (higher is better)", "cut-off (% of 52 epochs)", "mean log-likelihood",
            report.Methods.Select(m => Series(m, r => r.LogLikelihood)).ToArray()));
        File.WriteAllText(Path.Combine(folder, "extrapolation-mse.svg"), SvgChart.Line(
            "MSE of the point prediction (lower is better)", "cut-off (% of 52 epochs)", "MSE (log scale)",
            report.Methods.Select(m => Series(m, r => r.Mse)).ToArray(), logY: true));
    }
}
