using Hpo.Workloads;
using System.CommandLine;
using Hpo.Scheduler.Experiments.Files;
using Hpo.Scheduler.Persistence;

namespace Hpo.Cli.Experiments;

/// <summary><c>hpo run experiment.json</c>: runs (or resumes) the experiment a file defines, in this process.</summary>
public static class RunCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The experiment file (JSON; see README \"Experiment files\" and examples/)." };
        var db = ExperimentCliOptions.Db();
        var model = ExperimentCliOptions.Model();
        var resume = new Option<bool>("--resume") { Description = "Only continue an existing experiment of the file's name (fail if there is none). Without it a new experiment is started, or an existing one with the same definition is resumed." };
        var json = ExperimentCliOptions.Json("the final summary");
        var noSaveModel = ExperimentCliOptions.NoSaveModel();
        var command = new Command("run",
            "Run the experiment an experiment file defines: trials train in this process, every epoch is stored, and the stopping policy (LC-PFN by default) ends hopeless trials. " +
            "Running the same file again resumes an interrupted experiment (Ctrl+C saves it); a changed file under the same name is refused. Exit codes: 0 done, 1 failure, 2 bad input (the message names the JSON path of the bad field), 130 interrupted.")
        {
            file, db, model, resume, json, noSaveModel,
        };
        command.SetAction(async (parse, cancellationToken) => await ExperimentCommandErrors.RunAsync(parse, async output =>
        {
            string path = parse.GetValue(file)!;
            ExperimentDefinition definition;
            try
            {
                definition = await ExperimentFile.LoadAsync(path, BuiltInWorkloads.CreateRegistry(), cancellationToken).ConfigureAwait(false);
            }
            catch (ExperimentFileException ex)
            {
                throw new HpoValidationException($"{path}: {ex.Message}", ex);
            }

            string dbValue = parse.GetValue(db)!;
            string hint = $"hpo run {ExperimentViews.Quote(path)} --db {ExperimentViews.Quote(dbValue)}";
            return await RunDefinitionAsync(output, dbValue, parse.GetValue(model), definition, parse.GetValue(json), hint, parse.GetValue(resume), !parse.GetValue(noSaveModel), path, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<int> RunDefinitionAsync(LcPfn.CommandErrors.CommandOutput output, string db, string? model, ExperimentDefinition definition, bool json, string hint, bool resume, bool saveModel, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await ExperimentExecution.RunAsync(output, db, model, definition, json, hint, resume, saveModel, cancellationToken).ConfigureAwait(false);
        }
        catch (ExperimentFileException ex)
        {
            // Workload settings are checked when the workload is created; say which file they came from.
            throw new HpoValidationException($"{path}: {ex.Message}", ex);
        }
    }
}
