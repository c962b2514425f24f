using Hpo.Benchmarks.Throughput;
using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Hpo.Cli.Database;
using Hpo.Cli.Experiments;
using Hpo.Cli.LcPfn;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Spectre.Console;

namespace Hpo.Cli.Bench;

/// <summary><c>hpo bench fleet</c>: real <c>hpo worker</c> processes running an LCBench-surrogate experiment on PostgreSQL.</summary>
public static class FleetBenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var db = DatabaseCommand.DbOption();
        var migrate = new Option<bool>("--migrate") { Description = "Create or upgrade the Hpo and Hangfire schemas first (otherwise an outdated schema is an error)." };
        var trials = new Option<int>("--trials") { Description = "Trials in the experiment (52 epochs each unless stopped).", DefaultValueFactory = _ => 200 };
        var workers = new Option<int>("--workers") { Description = "`hpo worker` processes to start.", DefaultValueFactory = _ => 2 };
        var concurrency = new Option<int>("--concurrency") { Description = "Trials each worker runs at once.", DefaultValueFactory = _ => 4 };
        var policy = new Option<string>("--policy") { Description = $"The stopping policy: {PolicyShorthand.Help}.", DefaultValueFactory = _ => "lcpfn" };
        var surrogate = new Option<string>("--surrogate") { Description = "The LCBench surrogate folder.", DefaultValueFactory = _ => Path.Combine("data", "yahpo-lcbench") };
        var task = new Option<string>("--task") { Description = "The LCBench (OpenML) task the surrogate serves.", DefaultValueFactory = _ => "167168" };
        var poll = new Option<double>("--poll-seconds") { Description = "The workers' --poll-seconds.", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup-trials") { Description = "Trials of a warm-up experiment the same workers run to its end first, unmeasured, as a long-running fleet's workers have run others before (0: none; the measured run then includes the workers' cold start, whose first seconds run at about half speed while the JIT compiles). Its rate is reported apart.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "The experiment's seed (configurations and trial seeds).", DefaultValueFactory = _ => 0 };
        var model = ModelOption.Create();
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON on stdout (progress stays on stderr)." };
        var command = new Command("fleet", "The fleet as users run it: submits an LCBench-surrogate experiment to a PostgreSQL database, starts real `hpo worker` processes, waits for it to complete and reads back from the stored rows: epoch reports/s over the run and per tenth of the stored observations, decision latency p50/p99 (an epoch's recorded time to its decision's time) and trials/s. The curves are the surrogate's (instant epochs), so this measures the fleet's overhead, not training. Leaves the bench-fleet-* experiment in the database (and, with --warmup-trials, the bench-fleet-warmup-* one).")
        {
            db, migrate, trials, workers, concurrency, policy, surrogate, task, poll, seed, warmup, model, json,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, async output =>
        {
            string policyJson = PolicyShorthand.Parse(parse.GetValue(policy)!).ToJsonString();
            try
            {
                StoppingPolicyFactory.Validate(policyJson);
            }
            catch (HpoValidationException ex)
            {
                throw new ArgumentException($"--policy: {ex.Message}", ex);
            }

            var settings = new FleetBenchSettings(
                parse.GetValue(db)!,
                parse.GetValue(migrate),
                policyJson,
                parse.GetValue(trials),
                parse.GetValue(workers),
                parse.GetValue(concurrency),
                parse.GetValue(surrogate)!,
                parse.GetValue(task)!,
                parse.GetValue(poll),
                parse.GetValue(model),
                parse.GetValue(seed),
                parse.GetValue(warmup)).Validate();
            FleetBenchResult result;
            try
            {
                result = await new FleetBenchmark(settings, output.Error).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DbException or HpoValidationException or Microsoft.Extensions.Options.OptionsValidationException)
            {
                await output.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            if (parse.GetValue(json))
            {
                await output.Out.WriteLineAsync(JsonSerializer.Serialize(result, BenchJson.Options)).ConfigureAwait(false);
                return 0;
            }

            var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
            Row("database", result.ServerVersion);
            Row("experiment", $"{result.Experiment} (task {result.Task}, {result.Policy})");
            Row("workers", $"{result.Workers} × {result.Concurrency}");
            Row("trials (stopped)", $"{result.Trials} ({result.TrialsStopped})");
            Row("epoch reports (saved)", $"{result.Observations:N0} ({result.EpochsSaved:N0})");
            Row("start", result.WarmupTrials == 0 ? "cold (no warm-up)" : string.Create(CultureInfo.InvariantCulture, $"warm: ran a {result.WarmupTrials}-trial experiment first, at {result.WarmupReportsPerSecond:F0} epoch reports/s"));
            Row("run / wall", string.Create(CultureInfo.InvariantCulture, $"{result.RunSeconds:F1} s / {result.WallSeconds:F1} s"));
            Row("epoch reports/s", result.ReportsPerSecond.ToString("F0", CultureInfo.InvariantCulture));
            Row("per decile", string.Join(" ", result.DecileReportsPerSecond.Select(r => r.ToString("F0", CultureInfo.InvariantCulture))));
            Row("last / first decile", result.LastToFirstDecile.ToString("F2", CultureInfo.InvariantCulture));
            Row("trials/s", result.TrialsPerSecond.ToString("F2", CultureInfo.InvariantCulture));
            Row("decision p50 / p99", string.Create(CultureInfo.InvariantCulture, $"{result.DecisionP50Milliseconds:F2} ms / {result.DecisionP99Milliseconds:F2} ms"));
            Row("decisions with the model's hash", result.DecisionsWithModel.ToString("N0", CultureInfo.InvariantCulture));
            output.Ansi.Write(table);
            return 0;
        }));
        return command;
    }
}
