using Hpo.Benchmarks.Throughput;
using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Hpo.Cli.Database;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Runtime;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Spectre.Console;

namespace Hpo.Cli.Bench;

/// <summary>
/// <c>hpo bench scheduler</c>: epoch reports per second through the in-process <see cref="StoppingCoordinator"/> on a
/// database, with simulated workers and synthetic curves (not the fleet's path: that is <c>hpo bench fleet</c>).
/// </summary>
public static class SchedulerBenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var db = DatabaseCommand.DbOption();
        var migrate = new Option<bool>("--migrate") { Description = "Apply pending migrations first (otherwise an outdated schema is an error)." };
        var workers = new Option<int>("--workers") { Description = "Concurrent simulated workers.", DefaultValueFactory = _ => 16 };
        var reports = new Option<int>("--reports") { Description = "Epoch reports in total.", DefaultValueFactory = _ => 20_000 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of a full trial.", DefaultValueFactory = _ => 52 };
        var policy = new Option<string>("--policy") { Description = "The stopping policy: lcpfn, none, asha, hyperband, median, or its JSON settings (see the experiment spec).", DefaultValueFactory = _ => "lcpfn" };
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated curves.", DefaultValueFactory = _ => 0 };
        var model = ModelOption.Create();
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads for the LC-PFN.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON on stdout (progress stays on stderr)." };
        var command = new Command("scheduler", "The in-process scheduler on a database: W simulated workers (tasks in this process, not `hpo worker` processes) report synthetic curves; each report persists the value, takes the decision through the in-process StoppingCoordinator (batched across the simulated workers) and persists the decision. The synthetic curves let most trials stop within a few epochs. Prints reports/s and p50/p99 latency per report. The fleet's own path is `hpo bench fleet`. Writes a bench-scheduler-* experiment into the database.")
        {
            db, migrate, workers, reports, epochs, policy, seed, model, threads, json,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, async output =>
        {
            string policyJson = PolicyJson(parse.GetValue(policy)!);
            var settings = new SchedulerBenchSettings(
                parse.GetValue(db)!,
                parse.GetValue(migrate),
                policyJson,
                parse.GetValue(workers),
                parse.GetValue(reports),
                parse.GetValue(epochs),
                parse.GetValue(seed)).Validate();
            LcPfnPredictor? predictor = null;
            if (policyJson.Contains("\"lcpfn\"", StringComparison.Ordinal))
            {
                TorchRuntime.SetThreads(BenchOptions.Threads(parse.GetValue(threads)));
                predictor = LcPfnPredictor.Load(ModelOption.Resolve(parse.GetValue(model)));
            }

            SchedulerBenchResult result;
            using (predictor)
            {
                try
                {
                    result = await new SchedulerBenchmark(settings, predictor, output.Error).RunAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is DbException or HpoValidationException or IOException or Microsoft.Extensions.Options.OptionsValidationException)
                {
                    await output.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                    return 1;
                }
            }

            if (parse.GetValue(json))
            {
                await output.Out.WriteLineAsync(JsonSerializer.Serialize(result, BenchJson.Options)).ConfigureAwait(false);
                return 0;
            }

            var table = new Table().AddColumn("database").AddColumn("policy").AddColumn(new TableColumn("workers").RightAligned())
                .AddColumn(new TableColumn("reports/s").RightAligned()).AddColumn(new TableColumn("p50").RightAligned()).AddColumn(new TableColumn("p99").RightAligned());
            table.AddRow(
                Markup.Escape($"{result.Provider} {result.ServerVersion}"),
                result.Policy,
                result.Workers.ToString(CultureInfo.InvariantCulture),
                result.ReportsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                result.P50Milliseconds.ToString("F2", CultureInfo.InvariantCulture) + " ms",
                result.P99Milliseconds.ToString("F2", CultureInfo.InvariantCulture) + " ms");
            output.Ansi.Write(table);
            return 0;
        }));
        return command;
    }

    private static string PolicyJson(string text) => text.Trim() switch
    {
        "lcpfn" => StoppingPolicyFactory.DefaultPolicyJson,
        "none" or "asha" or "hyperband" or "median" => $$"""{"type":"{{text.Trim()}}"}""",
        var json when json.StartsWith('{') => ValidateJson(json),
        var other => throw new ArgumentException($"--policy is '{other}'; use lcpfn, none, asha, hyperband, median or the policy's JSON settings."),
    };

    private static string ValidateJson(string json)
    {
        try
        {
            new StoppingPolicyFactory(new UnavailablePredictor()).Create(json);
            return json;
        }
        catch (HpoValidationException ex)
        {
            throw new ArgumentException($"--policy: {ex.Message}", ex);
        }
    }

    // Lets a JSON policy be checked before the model is loaded; it is never asked to predict.
    private sealed class UnavailablePredictor : ICurvePredictor
    {
        public int MaxEpochs => 100;

        public IReadOnlyList<CurvePrediction> Predict(IReadOnlyList<CurveQuery> queries, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The policy was only being validated.");
    }
}
