using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Runtime;
using Hpo.Benchmarks;
using Hpo.Benchmarks.Plotting;
using Hpo.Workloads.LcBench;
using Spectre.Console;

namespace Hpo.Cli.Bench;

/// <summary><c>hpo bench lcbench</c>: early stopping on LCBench surrogate curves (vertical or parallel protocol).</summary>
public static class LcBenchCommand
{
    private const string VerticalPolicies = "lcpfn,patience:0,patience:1,patience:5,patience:10,patience:20,none,oracle";
    private const string ParallelPolicies = "lcpfn,asha,hyperband,median,none";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var protocol = new Option<string>("--protocol") { Description = "vertical (runs one after another, speed-ups over no stopping) or parallel (asynchronous workers, any-time regret).", DefaultValueFactory = _ => "vertical" };
        var surrogate = new Option<string?>("--surrogate") { Description = "The yahpo-lcbench folder. Default: the shipped data/yahpo-lcbench (beside the app, or in the current folder or a parent)." };
        var tasks = new Option<string>("--tasks") { Description = "dev (the 24 development tasks), all (every task of the surrogate) or comma-separated OpenML task ids.", DefaultValueFactory = _ => "dev" };
        var pool = new Option<int>("--pool") { Description = "Configurations sampled per task.", DefaultValueFactory = _ => 2000 };
        var orderings = new Option<int>("--orderings") { Description = "Random orderings of each pool.", DefaultValueFactory = _ => 40 };
        var budgetRuns = new Option<int?>("--budget-runs") { Description = "Epoch budget in full runs (× 52 epochs). Default: 20 vertical, 40 parallel." };
        var workers = new Option<int?>("--workers") { Description = "Simulated workers (parallel protocol). Default: 8." };
        var policy = new Option<string?>("--policy") { Description = $"Comma-separated policies: lcpfn, lcpfn:DELTA (stop on P(final value > best) < DELTA), lcpfn-remaining, lcpfn-remaining:DELTA (the largest P over every remaining epoch), patience:K, percentile:P, none, oracle, asha, hyperband, median, and the pausing policies asha-promote (ASHA with promotion) and freeze-thaw (or freeze-thaw:FIELD=VALUE;... with fields of its JSON settings, lists separated by /; a resumed trial costs no extra epochs in the simulation); freeze-thaw-oracle-slot[:FIELD=VALUE;...] is a bound, not a policy: freeze-thaw's decisions after each epoch, with a slot choice that knows every curve. Default: vertical '{VerticalPolicies}', parallel '{ParallelPolicies}'. No stopping is always included." };
        var delta = new Option<double>("--delta") { Description = "δ in (0, 1) of the LC-PFN rules given without their own δ: lcpfn (the default rule) stops a trial when P(value at the final epoch > best so far) < δ; lcpfn-remaining when the largest such P over every remaining epoch < δ.", DefaultValueFactory = _ => 0.05 };
        var seed = new Option<int>("--seed") { Description = "Seed of the pools and orderings (same seed, same JSON apart from timings).", DefaultValueFactory = _ => 0 };
        var model = BenchModels.CreateOption();
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads for the LC-PFN. Default 1: the simulation makes many small forward passes, which extra threads slow down on a busy machine.", DefaultValueFactory = _ => 1 };
        var cacheMb = new Option<int>("--cache-mb") { Description = "Memory for remembered LC-PFN predictions per task (MiB). A task needs about 16 KB × buckets/1000 per remembered epoch distribution (some 5 GB for a 1000-bucket model); when the memory is full it is emptied and predictions are recomputed, which costs time. Several models (-m NAME=PATH) get this much each, one after another: a task runs one model's policies, then empties its memory before the next model's, so the peak stays one model's.", DefaultValueFactory = _ => 6144 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON on stdout (progress stays on stderr)." };
        var outDir = new Option<string?>("--out") { Description = "Folder for SVG plots (mean regret curves per task, speed-ups)." };
        var command = new Command("lcbench", "Early stopping on LCBench learning curves as the YAHPO Gym surrogate predicts them (not the raw LCBench data), as lcbench-protocol.md defines it: per task a pool of configurations, random orderings, an epoch budget; regret = best value of the pool − best value observed so far. Vertical: speed-up over no stopping (epochs to reach no stopping's final regret). Parallel: area under the regret curve and regret at 25/50/100% of the budget.")
        {
            protocol, surrogate, tasks, pool, orderings, budgetRuns, workers, policy, delta, seed, model, threads, cacheMb, json, outDir,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, async output =>
        {
            var proto = parse.GetValue(protocol) switch
            {
                "vertical" => LcBenchProtocol.Vertical,
                "parallel" => LcBenchProtocol.Parallel,
                var other => throw new ArgumentException($"--protocol is '{other}'; use vertical or parallel."),
            };
            string policies = parse.GetValue(policy) ?? (proto == LcBenchProtocol.Vertical ? VerticalPolicies : ParallelPolicies);
            int cache = parse.GetValue(cacheMb);
            if (cache < 1)
            {
                throw new ArgumentException($"--cache-mb must be at least 1 (got {cache}).");
            }

            string folder = BenchPaths.ResolveSurrogate(parse.GetValue(surrogate));
            using var lcbench = new LcBenchSurrogate(folder, intraOpThreads: 2);
            var options = new LcBenchBenchmarkOptions
            {
                Protocol = proto,
                Tasks = LcBenchTasks.Resolve(parse.GetValue(tasks)!, lcbench.TaskIds),
                Pool = parse.GetValue(pool),
                Orderings = parse.GetValue(orderings),
                BudgetRuns = parse.GetValue(budgetRuns),
                Workers = parse.GetValue(workers),
                Seed = parse.GetValue(seed),
                CacheBytes = (long)cache << 20,
            }.Validate();
            double d = parse.GetValue(delta);
            if (!(d > 0 && d < 1))
            {
                throw new ArgumentException($"--delta must be in (0, 1) (got {d.ToString(CultureInfo.InvariantCulture)}).");
            }

            var modelSpecs = BenchModels.Parse(parse.GetValue(model));
            BenchModels? models = null;
            if (BenchmarkPolicy.NeedsPredictor(policies))
            {
                TorchRuntime.SetThreads(BenchOptions.Threads(parse.GetValue(threads)));
                models = BenchModels.Load(modelSpecs);
            }

            using (models)
            {
                string? outFolder = BenchOptions.PrepareOut(parse.GetValue(outDir));
                var report = LcBenchBenchmark.Run(
                    t => LcBenchPool.Create(lcbench, t, options.Pool, options.Seed),
                    options,
                    policies,
                    d,
                    models?.Models ?? [],
                    new BenchProgressPrinter(output.Error, $"lcbench {parse.GetValue(protocol)}"),
                    cancellationToken);
                if (outFolder is not null)
                {
                    WritePlots(report, outFolder);
                }

                if (parse.GetValue(json))
                {
                    await output.Out.WriteLineAsync(ToJson(report, d, models).ToJsonString(BenchJson.Options)).ConfigureAwait(false);
                }
                else
                {
                    PrintTables(report, models, output.Ansi);
                }
            }

            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The JSON document of a report. One model: <c>model</c> is its full path (no <c>models</c>). Named models:
    /// <c>model</c> is null and <c>models</c>, right after it, lists each one's name, path, SHA-256 and queries.
    /// </summary>
    internal static JsonObject ToJson(LcBenchBenchmarkReport report, double delta, BenchModels? models)
    {
        var o = report.Options;
        var none = report.Results.Where(r => r.Policy == "none").ToDictionary(r => r.TaskId, StringComparer.Ordinal);
        var document = JsonSerializer.SerializeToNode(new
        {
            benchmark = "lcbench",
            protocol = o.Protocol.ToString().ToLowerInvariant(),
            tasks = o.Tasks,
            pool = o.Pool,
            orderings = o.Orderings,
            budgetRuns = o.EffectiveBudgetRuns,
            budgetEpochs = report.Results.Count > 0 ? report.Results[0].MeanRegret.Length : 0,
            workers = o.EffectiveWorkers,
            seed = o.Seed,
            delta,
            model = models is { Named: false } ? models.Files[0].Path : null,
            policies = report.Policies,
            seconds = Math.Round(report.Seconds, 1),
            lcpfnCurvesPredicted = report.ModelQueries,
            lcpfnCacheHits = report.CacheHits,
            resumeCost = "a paused trial resumes at its next epoch at no extra epoch cost in the simulation (a real run saves and loads a checkpoint)",
            summary = report.Summaries.Select(s => new
            {
                policy = s.Policy,
                geometricMeanSpeedUp = BenchJson.Number(s.GeometricMeanSpeedUp),
                meanSpeedUp = BenchJson.Number(s.MeanSpeedUp),
                medianSpeedUp = BenchJson.Number(s.MedianSpeedUp),
                tasksAtLeast2x = s.TasksAtLeast2x,
                tasksNotReached = s.TasksNotReached,
                tasksWorseFinalRegret = s.TasksWorseFinalRegret,
                meanFinalRegret = BenchJson.Number(s.MeanFinalRegret),
                meanArea = BenchJson.Number(s.MeanArea),
                meanRegretAt25 = BenchJson.Number(s.MeanRegretAt25),
                meanRegretAt50 = BenchJson.Number(s.MeanRegretAt50),
                meanRegretAt100 = BenchJson.Number(s.MeanFinalRegret),
                meanTrialsStarted = BenchJson.Number(s.MeanTrialsStarted),
                meanPauses = BenchJson.Number(s.MeanPauses),
                meanResumes = BenchJson.Number(s.MeanResumes),
                meanStoppedForGood = BenchJson.Number(s.MeanStoppedForGood),
                tasks = s.Tasks,
            }),
            results = report.Results.Select(r => new
            {
                task = r.TaskId,
                policy = r.Policy,
                speedUp = BenchJson.Number(r.SpeedUp.Value),
                speedUpReached = r.SpeedUp.Reached,
                noStopEpochs = r.SpeedUp.BaselineEpochs,
                policyEpochs = r.SpeedUp.PolicyEpochs,
                finalRegret = BenchJson.Number(r.FinalRegret),
                noStopFinalRegret = BenchJson.Number(none[r.TaskId].FinalRegret),
                area = BenchJson.Number(r.Area),
                regretAt25 = BenchJson.Number(r.RegretAt25),
                regretAt50 = BenchJson.Number(r.RegretAt50),
                regretAt100 = BenchJson.Number(r.FinalRegret),
                trialsStarted = BenchJson.Number(r.MeanTrialsStarted),
                pauses = BenchJson.Number(r.MeanPauses),
                resumes = BenchJson.Number(r.MeanResumes),
                stoppedForGood = BenchJson.Number(r.MeanStoppedForGood),
                poolExhausted = r.PoolExhausted,
            }),
        }, BenchJson.Options)!.AsObject();
        if (models is { Named: true })
        {
            document.Insert(document.IndexOf("model") + 1, "models", models.ToJson(report.Models));
        }

        return document;
    }

    private static void PrintTables(LcBenchBenchmarkReport report, BenchModels? models, IAnsiConsole console)
    {
        // Redirected output defaults to 80 columns, which folds a dozen-column table into unreadable cells.
        console.Profile.Width = Math.Max(console.Profile.Width, 180);
        var o = report.Options;
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"LCBench {o.Protocol.ToString().ToLowerInvariant()}: {o.Tasks.Count} task(s), pool {o.Pool}, {o.Orderings} orderings, budget {o.EffectiveBudgetRuns} runs, {o.EffectiveWorkers} worker(s), seed {o.Seed}; {report.Seconds:F0} s.")));
        if (models is { Named: true })
        {
            console.MarkupLine(Markup.Escape($"Models (POLICY@NAME): {models.Describe()}."));
        }

        var summary = new Table().AddColumn(new TableColumn("policy").NoWrap());
        foreach (string c in new[] { "geo-mean speed-up", "mean", "median", "tasks ≥ 2×", "not reached", "worse final regret", "mean final regret", "regret area", "regret @25%", "regret @50%", "trials started", "paused", "resumed", "stopped for good" })
        {
            summary.AddColumn(new TableColumn(c).RightAligned());
        }

        foreach (var s in report.Summaries)
        {
            summary.AddRow(
                s.Policy, F2(s.GeometricMeanSpeedUp), F2(s.MeanSpeedUp), F2(s.MedianSpeedUp),
                $"{s.TasksAtLeast2x} / {s.Tasks}", $"{s.TasksNotReached}", $"{s.TasksWorseFinalRegret}",
                F4(s.MeanFinalRegret), F4(s.MeanArea), F4(s.MeanRegretAt25), F4(s.MeanRegretAt50), s.MeanTrialsStarted.ToString("F1", CultureInfo.InvariantCulture),
                s.MeanPauses.ToString("F1", CultureInfo.InvariantCulture), s.MeanResumes.ToString("F1", CultureInfo.InvariantCulture), s.MeanStoppedForGood.ToString("F1", CultureInfo.InvariantCulture));
        }

        console.Write(summary);
        if (report.Summaries.Any(x => x.MeanPauses > 0))
        {
            console.MarkupLine("Paused, resumed, stopped for good: per ordering (pausing policies). A resumed trial costs no extra epochs in the simulation.");
        }

        var perTask = new Table().AddColumn("task");
        foreach (string p in report.Policies)
        {
            perTask.AddColumn(new TableColumn(p).RightAligned());
        }

        foreach (string task in o.Tasks)
        {
            perTask.AddRow([task, .. report.Policies.Select(p =>
            {
                var r = report.Results.First(x => x.TaskId == task && x.Policy == p);
                string speed = r.SpeedUp.Reached ? F2(r.SpeedUp.Value) : $"≥{F2(r.SpeedUp.Value)}";
                return $"{speed} ({F4(r.FinalRegret)})";
            })]);
        }

        console.MarkupLine("Per task: speed-up over no stopping (final mean regret); ≥ marks a lower bound (no stopping's final regret not reached).");
        console.Write(perTask);
    }

    private static void WritePlots(LcBenchBenchmarkReport report, string folder)
    {
        foreach (string task in report.Options.Tasks)
        {
            var series = report.Policies.Select(p =>
            {
                var r = report.Results.First(x => x.TaskId == task && x.Policy == p);
                return new ChartSeries(p, Enumerable.Range(1, r.MeanRegret.Length).Select(e => (double)e).ToArray(), r.MeanRegret);
            }).ToArray();
            File.WriteAllText(Path.Combine(folder, $"regret-{task}.svg"), SvgChart.Line($"Task {task}: mean regret over {report.Options.Orderings} orderings", "epochs spent", "regret (log scale)", series, logY: true));
        }

        var mean = report.Policies.Select(p =>
        {
            var curves = report.Results.Where(x => x.Policy == p).Select(x => x.MeanRegret).ToArray();
            var m = RegretCurves.Mean(curves);
            return new ChartSeries(p, Enumerable.Range(1, m.Length).Select(e => (double)e).ToArray(), m);
        }).ToArray();
        File.WriteAllText(Path.Combine(folder, "regret-mean.svg"), SvgChart.Line($"Mean regret over {report.Options.Tasks.Count} task(s)", "epochs spent", "regret (log scale)", mean, logY: true));
        if (report.Options.Protocol == LcBenchProtocol.Vertical)
        {
            File.WriteAllText(Path.Combine(folder, "speedups.svg"), SvgChart.Bars(
                "Geometric-mean speed-up over no stopping", "speed-up", report.Summaries.Select(s => (s.Policy, s.GeometricMeanSpeedUp)).ToArray(), 3.3, "paper LC-PFN ≈3.3×"));
        }
        else
        {
            File.WriteAllText(Path.Combine(folder, "regret-area.svg"), SvgChart.Bars(
                "Area under the regret curve (normalised by the budget; lower is better)", "regret area", report.Summaries.Select(s => (s.Policy, s.MeanArea)).ToArray()));
        }
    }

    private static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
