using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hpo.LcPfn.Evaluation;
using Hpo.LcPfn.Models;
using Hpo.LcPfn.Runtime;
using Spectre.Console;

namespace Hpo.Cli.LcPfn;

/// <summary><c>hpo lcpfn eval</c>: the paper's log-likelihood (and more) on held-out prior curves.</summary>
public static class EvalCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new LcPfnEvaluationOptions();
        var model = ModelOption.Create();
        var curves = new Option<int>("--curves") { Description = "Held-out prior curves.", DefaultValueFactory = _ => defaults.Curves };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the held-out curves (a stream training never uses).", DefaultValueFactory = _ => defaults.Seed };
        var cutoffs = new Option<string>("--cutoffs") { Description = "Comma-separated numbers of observed epochs.", DefaultValueFactory = _ => string.Join(',', defaults.Cutoffs) };
        var batch = new Option<int>("--batch-size") { Description = "Curves per forward pass.", DefaultValueFactory = _ => defaults.BatchSize };
        var noise = new Option<double>("--noise-scale") { Description = "Multiply each held-out curve's observation-noise σ by this factor (robustness to noisy curves; e.g. 3).", DefaultValueFactory = _ => defaults.NoiseScale };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads.", DefaultValueFactory = _ => 2 };
        var weights = new Option<string>("--weights")
        {
            Description = "Precision of the weight matrices: 'float32' (the model as trained and stored) or 'bfloat16' (rounded as the predictor serves them to every decision).",
            DefaultValueFactory = _ => "float32",
        };
        weights.AcceptOnlyFromAmong("float32", "bfloat16");
        var json = new Option<bool>("--json") { Description = "Print the results as JSON on stdout (progress stays on stderr)." };
        var command = new Command("eval", "Evaluate a model on held-out prior curves: per cut-off, the paper's metric (mean log-density of each curve's unseen noisy remainder, averaged over curves; higher is better), the MSE of the predictive median, the coverage of the central 90% interval and the milliseconds per curve.")
        {
            model, curves, seed, cutoffs, batch, noise, weights, threads, json,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, io =>
        {
            string path = ModelOption.Resolve(parse.GetValue(model));
            var options = new LcPfnEvaluationOptions
            {
                Curves = parse.GetValue(curves),
                Seed = parse.GetValue(seed),
                Cutoffs = NumberLists.ParseInts(parse.GetValue(cutoffs), "--cutoffs"),
                BatchSize = parse.GetValue(batch),
                NoiseScale = parse.GetValue(noise),
            };
            int threadCount = parse.GetValue(threads);
            if (threadCount < 1)
            {
                throw new ArgumentException($"--threads must be at least 1; got {threadCount}.");
            }

            TorchRuntime.SetThreads(threadCount);
            using var stored = LcPfnModel.Load(path);
            string precision = parse.GetValue(weights)!;
            using var rounded = precision == "bfloat16" ? stored.WithBfloat16Weights() : null;
            var loaded = rounded ?? stored;
            options.Validate(loaded.Architecture.MaxEpochs);
            var watch = Stopwatch.StartNew();
            var lastPrint = TimeSpan.Zero;
            var progress = new SyncProgress<EvaluationProgress>(p =>
            {
                if (watch.Elapsed - lastPrint >= TimeSpan.FromSeconds(2) || p.Done == p.Total)
                {
                    lastPrint = watch.Elapsed;
                    io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval: cut-off {p.Cutoff}, {p.Done}/{p.Total} curve-cut-offs ({100.0 * p.Done / p.Total:F0}%)"));
                }
            });
            var results = LcPfnEvaluator.Evaluate(loaded, options, progress, cancellationToken);

            if (parse.GetValue(json))
            {
                var payload = new
                {
                    model = Path.GetFullPath(path),
                    curvesSeen = loaded.Metadata.CurvesSeen,
                    curves = options.Curves,
                    seed = options.Seed,
                    noiseScale = options.NoiseScale,
                    weights = precision,
                    results = results.Select(r => new
                    {
                        cutoff = r.Cutoff,
                        logLikelihood = r.LogLikelihood,
                        medianMse = r.MedianMse,
                        coverage90 = r.Coverage90,
                        msPerCurve = r.MillisecondsPerCurve,
                    }),
                };
                io.Out.WriteLine(JsonSerializer.Serialize(payload, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                var a = loaded.Architecture;
                io.Ansi.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFullPath(path)}: emsize {a.EmbeddingSize}, {a.Layers} layers, {a.Buckets} buckets, {loaded.Metadata.CurvesSeen:N0} training curves. {options.Curves} held-out curves, seed {options.Seed}, noise σ × {options.NoiseScale}, {precision} weights.")));
                var table = new Table()
                    .AddColumn("cut-off")
                    .AddColumn(new TableColumn("log-likelihood").RightAligned())
                    .AddColumn(new TableColumn("median MSE").RightAligned())
                    .AddColumn(new TableColumn("90% coverage").RightAligned())
                    .AddColumn(new TableColumn("ms/curve").RightAligned());
                foreach (var r in results)
                {
                    table.AddRow(
                        r.Cutoff.ToString(CultureInfo.InvariantCulture),
                        r.LogLikelihood.ToString("F3", CultureInfo.InvariantCulture),
                        r.MedianMse.ToString("E3", CultureInfo.InvariantCulture),
                        r.Coverage90.ToString("P1", CultureInfo.InvariantCulture),
                        r.MillisecondsPerCurve.ToString("F3", CultureInfo.InvariantCulture));
                }

                io.Ansi.Write(table);
            }

            return Task.FromResult(0);
        }));
        return command;
    }
}
