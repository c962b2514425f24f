using Hpo.Workloads.DependencyInjection;
using System.CommandLine;
using System.Data.Common;
using Hpo.Scheduler.Experiments.Files;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Workloads;
using Hpo.Storage.Configuration;
using Hpo.Storage.Schema;
using Hpo.Workers.Hosting;
using Hpo.Workers.Submission;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hpo.Cli.Workers;

/// <summary><c>hpo submit</c>: creates an experiment in the fleet's database and enqueues its first trials.</summary>
public static class SubmitCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("experiment") { Description = "The experiment file (the same JSON as `hpo run`: name, workload, metric, maxEpochs, searchSpace, tuner, policy, budget, concurrency, seed)." };
        var db = new Option<string>("--db") { Description = "The fleet's PostgreSQL database (postgres://user:pass@host:port/db or Host=...;Database=...).", Required = true };
        var migrate = new Option<bool>("--migrate") { Description = "Create or upgrade the Hpo and Hangfire schemas first (otherwise an outdated schema is refused)." };
        var queue = new Option<string>("--queue") { Description = "The Hangfire queue the workers serve.", DefaultValueFactory = _ => HpoWorkerOptions.DefaultQueue };
        var command = new Command("submit", "Submit an experiment to a worker fleet: create it in the database and enqueue its first wave of trials (start workers with `hpo worker`). Submitting the same file again resumes it. " +
            "Before writing anything, submit checks the file (every field, with its JSON path in the error), the search space, the tuner and the policy's settings (every policy, lcpfn included: its delta, minEpochs and horizon), " +
            "and that the workload can be built here and reports the metric in the stated direction; a bad file exits 2 and nothing is stored. It loads no LC-PFN model: " +
            "workers decide with the model they were started with (--model, $HPO_LCPFN_MODEL or the default model), the first to decide binds the experiment to its model's SHA-256, and a worker with another model refuses the experiment's trials.")
        {
            file, db, migrate, queue,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var services = new ServiceCollection();
                services.AddHpoStorage(o =>
                {
                    o.Connection = parse.GetValue(db)!;
                    o.MigrateOnStart = parse.GetValue(migrate);
                });
                services.AddHpoWorkloads();
                services.AddHpoWorkers(o =>
                {
                    o.Queue = parse.GetValue(queue)!;
                    o.PrepareHangfireSchema = parse.GetValue(migrate);
                });
                await using var provider = services.BuildServiceProvider();
                var spec = (await ExperimentFile.LoadAsync(parse.GetValue(file)!, provider.GetRequiredService<WorkloadRegistry>(), cancellationToken)).Spec;
                await provider.GetRequiredService<HpoDatabase>().EnsureReadyAsync(cancellationToken);
                var (experiment, enqueued) = await provider.GetRequiredService<ExperimentSubmitter>().SubmitAsync(spec, cancellationToken);
                string trials = enqueued.Count == 0 ? "no new trials" : $"trials {enqueued[0].Number}–{enqueued[^1].Number}";
                await output.WriteLineAsync($"Experiment {experiment.Id} '{experiment.Spec.Name}' ({experiment.Status}): enqueued {trials} on queue '{parse.GetValue(queue)}'.");
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or HpoValidationException or OptionsValidationException or FileNotFoundException or DirectoryNotFoundException)
            {
                await error.WriteLineAsync($"hpo submit: {ex.Message}");
                return 2;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException)
            {
                await error.WriteLineAsync($"hpo submit: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
