using Hpo.Workloads;
using System.Globalization;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Models;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Experiments.Files;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Connections;
using Spectre.Console;

namespace Hpo.Cli.Experiments;

/// <summary>Runs (or resumes) an experiment definition in this process with live progress and a final summary (demo and run).</summary>
internal static class ExperimentExecution
{
    /// <param name="output">The invocation's writers.</param>
    /// <param name="db">The database.</param>
    /// <param name="model">The --model value, or null for the default model.</param>
    /// <param name="definition">The experiment.</param>
    /// <param name="json">Print the summary as JSON (progress to stderr).</param>
    /// <param name="resumeHint">The command that resumes this experiment, shown when it is interrupted.</param>
    /// <param name="requireExisting">Refuse to start a new experiment (--resume).</param>
    /// <param name="saveModel">Keep the best trial's model (<see cref="ModelPathFor"/>); false with --no-save-model.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<int> RunAsync(CommandErrors.CommandOutput output, string db, string? model, ExperimentDefinition definition, bool json, string resumeHint, bool requireExisting, bool saveModel, CancellationToken cancellationToken)
    {
        var spec = definition.Spec;
        var options = definition.Options;
        options.BestModelPath = saveModel ? ModelPathFor(db, spec.Name) : null;

        // Check the workload and the model before the database is created, so bad input leaves no file behind.
        var workload = definition.CreateWorkload(BuiltInWorkloads.CreateRegistry());
        try
        {
            var (predictor, modelPath) = definition.NeedsPredictor ? LoadPredictor(model, definition.PolicyType) : (null, null);
            await using var host = await ExperimentHost.OpenAsync(db, create: true, predictor, cancellationToken).ConfigureAwait(false);
            var existing = await host.Store.FindExperimentAsync(spec.Name, cancellationToken).ConfigureAwait(false);
            if (existing is null && requireExisting)
            {
                throw new NotFoundException($"There is no experiment '{spec.Name}' to resume in {host.Location}; run without --resume to start it.");
            }

            var log = json ? output.Error : output.Out;
            string state = existing is null ? "new" : $"resuming ({existing.Status})";
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Experiment '{spec.Name}' ({state}) in {host.Location}: workload {workload.Name}, policy {spec.PolicyJson}, up to {options.MaxTrials} trials x {spec.MaxEpochs} epochs, {options.Concurrency} at a time, seed {options.Seed}.")).ConfigureAwait(false);
            if (existing is not null && (await host.Store.ListTrialsAsync(existing.Id, 1, 1, TrialStatus.Running, cancellationToken).ConfigureAwait(false)).TotalCount is > 0 and var interrupted)
            {
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{interrupted} interrupted trial(s) continue after their last epoch once their claims lapse (at most {options.LeaseDuration.TotalSeconds:0} s after the interruption).")).ConfigureAwait(false);
            }

            if (predictor is not null)
            {
                var a = predictor.Model.Architecture;
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"LC-PFN model: {modelPath} (embedding {a.EmbeddingSize}, {a.Layers} layers, {a.MaxEpochs} epochs, trained {predictor.Model.Metadata.Steps} steps).")).ConfigureAwait(false);
            }

            bool live = !json && ProgressReporter.CanShowLive(output.Out);
            var reporter = new ProgressReporter(spec, options.MaxTrials, live ? null : log);
            ExperimentSummary summary;
            try
            {
                var run = host.Runner.RunAsync(spec, workload, options, reporter, cancellationToken);
                summary = await reporter.ShowWhileAsync(live ? AnsiConsole.Console : null, run).ConfigureAwait(false);
                if (existing?.Status == ExperimentStatus.Completed)
                {
                    // Nothing ran now: report how long the experiment took when it ran.
                    summary = summary with { WallTime = existing.UpdatedAt - existing.CreatedAt };
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await output.Error.WriteLineAsync($"Interrupted: experiment '{spec.Name}' is saved in {host.Location}. Resume it with: {resumeHint}").ConfigureAwait(false);
                return CommandErrors.Interrupted;
            }

            string? modelLine = options.BestModelPath is { } basePath ? DescribeModel(summary, spec, basePath, workload.Name) : null;
            if (json)
            {
                var view = ExperimentViews.SummaryJson(summary, spec, host.Location);
                view["bestModel"] = summary.BestModelPath;
                view["bestModelTrial"] = summary.BestModelTrialNumber;
                await output.Out.WriteLineAsync(view.ToJsonString(ExperimentViews.Indented)).ConfigureAwait(false);
                if (modelLine is not null)
                {
                    await output.Error.WriteLineAsync(modelLine).ConfigureAwait(false);
                }
            }
            else
            {
                ExperimentViews.RenderSummary(live ? AnsiConsole.Console : ExperimentViews.ConsoleFor(output.Out), summary, spec, host.Location);
                if (modelLine is not null)
                {
                    await output.Out.WriteLineAsync(modelLine).ConfigureAwait(false);
                }
            }

            return 0;
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Where run and demo keep an experiment's best model, without extension: <c>hpo-models/NAME</c> beside a SQLite
    /// database file, or under the current folder for PostgreSQL. Characters a file name cannot hold become '_'.
    /// </summary>
    internal static string ModelPathFor(string db, string experimentName)
    {
        string folder = HpoConnection.Parse(db).SqliteFile is { } file
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, ModelFolder)
            : Path.GetFullPath(ModelFolder);
        var invalid = Path.GetInvalidFileNameChars();
        string safe = new([.. experimentName.Select(c => invalid.Contains(c) ? '_' : c)]);
        return Path.Combine(folder, safe);
    }

    /// <summary>The folder (beside the database) that holds the saved best models.</summary>
    internal const string ModelFolder = "hpo-models";

    private static string DescribeModel(ExperimentSummary summary, ExperimentSpec spec, string basePath, string workloadName)
    {
        if (summary.BestModelPath is { } saved)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Best model (trial {summary.BestModelTrialNumber}, {spec.MetricName} {summary.BestValue:0.####}) saved to {saved}");
        }

        string? earlier = Directory.Exists(Path.GetDirectoryName(basePath))
            ? Directory.GetFiles(Path.GetDirectoryName(basePath)!, Path.GetFileName(basePath) + ".*").FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == Path.GetFileName(basePath))
            : null;
        return earlier is not null
            ? $"No model saved by this run: it did not improve on the best value, which an earlier run of this experiment reached; the model that run saved is {earlier}"
            : $"No model saved: workload {workloadName} hands back no trained model, or this run trained no epoch that set the best value.";
    }

    /// <summary>Loads the LC-PFN the policy needs, or fails saying how to get one (never falls back to another policy).</summary>
    private static (LcPfnPredictor? Predictor, string? Path) LoadPredictor(string? model, string policyType)
    {
        string path;
        try
        {
            path = ModelOption.Resolve(model);
        }
        catch (FileNotFoundException ex)
        {
            throw new FileNotFoundException(
                $"The '{policyType}' stopping policy needs an LC-PFN model. {ex.Message} " +
                $"Put the default model at models/{DefaultModelLocator.FileName}, set ${DefaultModelLocator.EnvironmentVariable}, or train one " +
                "('hpo lcpfn train --output my.lcpfn') and pass --model my.lcpfn; or choose a policy without a model (--policy asha, or \"policy\" in the experiment file).",
                ex.FileName,
                ex);
        }

        return (LcPfnPredictor.Load(path), path);
    }
}
