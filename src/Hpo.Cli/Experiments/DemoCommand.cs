using Hpo.Workloads;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Experiments.Files;
using Hpo.Scheduler.Persistence;
using Hpo.Workloads.Digits;
using Hpo.Storage.Connections;

namespace Hpo.Cli.Experiments;

/// <summary>
/// <c>hpo demo</c>: the main job on a fresh clone. Tunes the digits MLP (TorchSharp, UCI digits) over its
/// default search space with LC-PFN early stopping, stored in an embedded SQLite file.
/// </summary>
public static class DemoCommand
{
    /// <summary>Default trial budget: measured to finish well inside five minutes on two cores.</summary>
    public const int DefaultTrials = 24;

    /// <summary>Default epochs per trial.</summary>
    public const int DefaultEpochs = 20;

    /// <summary>Default trials trained at once (in-process workers).</summary>
    public const int DefaultConcurrency = 2;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var db = ExperimentCliOptions.Db();
        var trials = new Option<int>("--trials") { Description = "The most trials (configurations) to try.", DefaultValueFactory = _ => DefaultTrials };
        var epochs = new Option<int>("--epochs") { Description = "Epochs a trial trains when it is never stopped.", DefaultValueFactory = _ => DefaultEpochs };
        var concurrency = new Option<int>("--concurrency") { Description = "Trials trained at the same time (in-process workers).", DefaultValueFactory = _ => DefaultConcurrency };
        var seed = new Option<int>("--seed") { Description = "Seeds the tuner and every trial's training, so a run can be repeated.", DefaultValueFactory = _ => 0 };
        var model = ExperimentCliOptions.Model();
        var policy = new Option<string>("--policy") { Description = $"The early-stopping policy: {PolicyShorthand.Help}.", DefaultValueFactory = _ => "lcpfn" };
        var name = new Option<string?>("--name") { Description = "The experiment's name. Default: demo-<date>-<time> (a new experiment each run)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the interrupted experiment NAME with the settings it was created with (the budget options are then ignored).", HelpName = "NAME" };
        var json = ExperimentCliOptions.Json("the final summary");
        var noSaveModel = ExperimentCliOptions.NoSaveModel();
        var command = new Command("demo",
            "Tune a small neural network (digits MLP, TorchSharp, UCI digits) over its default search space with LC-PFN early stopping: " +
            "trials train in this process (two at a time by default), after every epoch the LC-PFN predicts whether each trial can still beat the best so far and hopeless ones stop. " +
            "Shows live progress and a summary (best configuration, trials stopped, epochs saved, wall time, where results are stored). " +
            "Results go to a SQLite file (./hpo.db by default, created and migrated automatically); inspect them with 'hpo status' and 'hpo trials'. Ctrl+C saves the experiment; continue it with --resume NAME. " +
            "Exit codes: 0 done, 1 failure, 2 bad input (options, a missing LC-PFN model), 130 interrupted.")
        {
            db, trials, epochs, concurrency, seed, model, policy, name, resume, json, noSaveModel,
        };
        command.SetAction(async (parse, cancellationToken) => await ExperimentCommandErrors.RunAsync(parse, async output =>
        {
            string dbValue = parse.GetValue(db)!;
            ExperimentDefinition definition;
            if (parse.GetValue(resume) is { } resumeName)
            {
                await using var host = await ExperimentHost.OpenAsync(dbValue, create: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                definition = ExperimentDefinition.FromSpec((await host.RequireExperimentAsync(resumeName, cancellationToken).ConfigureAwait(false)).Spec);
            }
            else
            {
                string experimentName = parse.GetValue(name) ?? await NewNameAsync(dbValue, cancellationToken).ConfigureAwait(false);
                definition = Define(experimentName, parse.GetValue(trials), parse.GetValue(epochs), parse.GetValue(concurrency), parse.GetValue(seed), parse.GetValue(policy)!);
            }

            string hint = $"hpo demo --db {ExperimentViews.Quote(dbValue)} --resume {ExperimentViews.Quote(definition.Spec.Name)}";
            return await ExperimentExecution.RunAsync(output, dbValue, parse.GetValue(model), definition, parse.GetValue(json), hint, requireExisting: false, saveModel: !parse.GetValue(noSaveModel), cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>The demo experiment as an experiment file would define it; option errors name the option.</summary>
    internal static ExperimentDefinition Define(string name, int trials, int epochs, int concurrency, int seed, string policy)
    {
        var file = new JsonObject
        {
            ["name"] = name,
            ["workload"] = new JsonObject { ["type"] = DigitsMlpWorkload.TypeName },
            ["metric"] = new JsonObject { ["name"] = DigitsMlpWorkload.Metric, ["direction"] = "maximize", ["lowerBound"] = 0, ["upperBound"] = 1 },
            ["maxEpochs"] = epochs,
            ["searchSpace"] = ExperimentFile.DefaultSearchSpace,
            ["policy"] = PolicyShorthand.Parse(policy),
            ["budget"] = new JsonObject { ["maxTrials"] = trials },
            ["concurrency"] = concurrency,
            ["seed"] = seed,
        };
        try
        {
            return ExperimentFile.Parse(file.ToJsonString(), BuiltInWorkloads.CreateRegistry());
        }
        catch (ExperimentFileException ex)
        {
            string option = ex.JsonPath switch
            {
                "$.name" => "--name",
                "$.maxEpochs" => "--epochs",
                "$.budget.maxTrials" => "--trials",
                "$.concurrency" => "--concurrency",
                "$.seed" => "--seed",
                var p when p.StartsWith("$.policy", StringComparison.Ordinal) => $"--policy ({p})",
                var p => p,
            };
            throw new HpoValidationException($"{option}: {ex.Problem}", ex);
        }
    }

    // A new experiment per run: the time to the second, plus a sequence number if that name is taken.
    private static async Task<string> NewNameAsync(string db, CancellationToken cancellationToken)
    {
        string stem = "demo-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        if (HpoConnection.Parse(db).SqliteFile is { } file && !File.Exists(file))
        {
            // A new database holds no names yet; leave creating it to the run, after the model is checked.
            return stem;
        }

        await using var host = await ExperimentHost.OpenAsync(db, create: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        string candidate = stem;
        for (int n = 2; await host.Store.FindExperimentAsync(candidate, cancellationToken).ConfigureAwait(false) is not null; n++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}");
        }

        return candidate;
    }
}
