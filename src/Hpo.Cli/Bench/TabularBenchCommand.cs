using Hpo.Benchmarks.Tabular;
using Hpo.Workloads;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Cli.Experiments;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Experiments.Files;
using Hpo.Workloads.Tabular;

namespace Hpo.Cli.Bench;

/// <summary>
/// <c>hpo bench tabular</c>: the tabular workloads' speed on a synthetic CSV (100,000 rows, 50 columns by
/// default): how long the file takes to load and encode, and trials/s and epochs/s of an experiment on it.
/// </summary>
public static class TabularBenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Rows of the synthetic CSV.", DefaultValueFactory = _ => 100_000 };
        var columns = new Option<int>("--columns") { Description = "Columns of the synthetic CSV, the label included (at least 5; three are categorical).", DefaultValueFactory = _ => 50 };
        var workload = new Option<string>("--workload") { Description = $"{TabularMlNetWorkload.TypeName} or {TabularMlpWorkload.TypeName}.", DefaultValueFactory = _ => TabularMlNetWorkload.TypeName };
        var trials = new Option<int>("--trials") { Description = "Trials of the experiment.", DefaultValueFactory = _ => 8 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per trial.", DefaultValueFactory = _ => 5 };
        var concurrency = new Option<int>("--concurrency") { Description = "Trials trained at once.", DefaultValueFactory = _ => 2 };
        var policy = new Option<string>("--policy") { Description = "The stopping policy (as hpo demo --policy). Default none, so every trial trains every epoch and epochs/s is the training speed.", DefaultValueFactory = _ => "none" };
        var model = ModelOption.Create();
        var seed = new Option<int>("--seed") { Description = "Seed of the data and the experiment.", DefaultValueFactory = _ => 0 };
        var csv = new Option<string?>("--csv") { Description = "Write the synthetic CSV here and keep it (default: a temporary file, removed afterwards)." };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON on stdout (progress stays on stderr)." };
        var command = new Command("tabular", "The tabular workloads on a synthetic CSV (default 100,000 rows x 50 columns: 46 numeric with 1% missing, 3 categorical, a binary label): seconds to read and encode it once, then trials/s and epochs/s of an in-process experiment on a temporary SQLite database, and the process's working set (trials share the encoded rows).")
        {
            rows, columns, workload, trials, epochs, concurrency, policy, model, seed, csv, json,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, async output =>
        {
            int rowCount = parse.GetValue(rows), columnCount = parse.GetValue(columns), trialCount = parse.GetValue(trials), epochCount = parse.GetValue(epochs);
            if (rowCount < 10 || columnCount < 5 || trialCount < 1 || epochCount < 1 || parse.GetValue(concurrency) < 1)
            {
                throw new ArgumentException("--rows must be at least 10, --columns at least 5, and --trials, --epochs and --concurrency at least 1.");
            }

            string folder = Directory.CreateTempSubdirectory("hpo-bench-tabular-").FullName;
            try
            {
                string data = parse.GetValue(csv) ?? Path.Combine(folder, "synthetic.csv");
                await output.Error.WriteLineAsync($"Writing {rowCount} x {columnCount} synthetic CSV to {data} ...").ConfigureAwait(false);
                SyntheticCsv.Write(data, rowCount, columnCount, parse.GetValue(seed));

                string policyJson = PolicyShorthand.Parse(parse.GetValue(policy)!).ToJsonString();
                var file = new JsonObject
                {
                    ["name"] = $"bench-tabular-{DateTime.UtcNow:yyyyMMdd-HHmmss}",
                    ["workload"] = new JsonObject { ["type"] = parse.GetValue(workload), ["dataset"] = data, ["label"] = "label" },
                    ["metric"] = new JsonObject { ["name"] = "val_accuracy", ["direction"] = "maximize", ["lowerBound"] = 0, ["upperBound"] = 1 },
                    ["maxEpochs"] = epochCount,
                    ["searchSpace"] = "default",
                    ["policy"] = JsonNode.Parse(policyJson),
                    ["budget"] = new JsonObject { ["maxTrials"] = trialCount },
                    ["concurrency"] = parse.GetValue(concurrency),
                    ["seed"] = parse.GetValue(seed),
                };
                var definition = ExperimentFile.Parse(file.ToJsonString(), BuiltInWorkloads.CreateRegistry());

                await output.Error.WriteLineAsync("Loading and encoding it ...").ConfigureAwait(false);
                var load = Stopwatch.StartNew();
                var created = definition.CreateWorkload(BuiltInWorkloads.CreateRegistry());
                load.Stop();
                double afterLoad = WorkingSetMb();
                try
                {
                    LcPfnPredictor? predictor = definition.NeedsPredictor ? LcPfnPredictor.Load(ModelOption.Resolve(parse.GetValue(model))) : null;
                    using (predictor)
                    {
                        await using var host = await ExperimentHost.OpenAsync(Path.Combine(folder, "bench.db"), create: true, predictor, cancellationToken).ConfigureAwait(false);
                        double peak = afterLoad;
                        var progress = new Progress<ExperimentProgress>(_ => peak = Math.Max(peak, WorkingSetMb()));
                        await output.Error.WriteLineAsync($"Training {trialCount} trials x {epochCount} epochs, {parse.GetValue(concurrency)} at a time ...").ConfigureAwait(false);
                        var training = Stopwatch.StartNew();
                        var summary = await host.Runner.RunAsync(definition.Spec, created, definition.Options, progress, cancellationToken).ConfigureAwait(false);
                        training.Stop();
                        peak = Math.Max(peak, WorkingSetMb());
                        var (features, train, validation) = Shape(created);
                        var result = new TabularBenchResult(
                            created.Name,
                            policyJson,
                            rowCount,
                            columnCount,
                            features,
                            train,
                            validation,
                            Math.Round(load.Elapsed.TotalSeconds, 3),
                            Math.Round(rowCount / load.Elapsed.TotalSeconds, 0),
                            summary.Trials,
                            epochCount,
                            summary.EpochsUsed,
                            parse.GetValue(concurrency),
                            Math.Round(training.Elapsed.TotalSeconds, 3),
                            Math.Round(summary.Trials / training.Elapsed.TotalSeconds, 4),
                            Math.Round(summary.EpochsUsed / training.Elapsed.TotalSeconds, 3),
                            summary.BestValue is { } best ? BenchJson.Number(best) : null,
                            created.MetricName,
                            Math.Round(afterLoad, 1),
                            Math.Round(peak, 1));
                        await PrintAsync(output.Out, result, parse.GetValue(json)).ConfigureAwait(false);
                    }
                }
                finally
                {
                    (created as IDisposable)?.Dispose();
                }

                return 0;
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }));
        return command;
    }

    private static (int Features, int Train, int Validation) Shape(object workload) => workload switch
    {
        TabularMlNetWorkload w => (w.FeatureCount, w.Rows.Train, w.Rows.Validation),
        TabularMlpWorkload w => (w.FeatureCount, w.Rows.Train, w.Rows.Validation),
        _ => (0, 0, 0),
    };

    private static double WorkingSetMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    private static async Task PrintAsync(TextWriter output, TabularBenchResult result, bool json)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(result, BenchJson.Options)).ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{result.Workload} on {result.Rows} x {result.Columns} ({result.EncodedFeatures} encoded features): load {result.LoadSeconds:F2} s ({result.LoadRowsPerSecond:F0} rows/s); " +
            $"{result.Trials} trials, {result.EpochsTrained} epochs in {result.TrainingSeconds:F1} s = {result.TrialsPerSecond:F3} trials/s, {result.EpochsPerSecond:F2} epochs/s " +
            $"(concurrency {result.Concurrency}); best {result.Metric} {result.BestValue}; working set {result.WorkingSetAfterLoadMb:F0} MB after load, {result.PeakWorkingSetMb:F0} MB peak.")).ConfigureAwait(false);
    }
}
