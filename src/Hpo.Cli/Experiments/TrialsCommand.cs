using System.CommandLine;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;

namespace Hpo.Cli.Experiments;

/// <summary><c>hpo trials NAME</c>: one experiment's trials (number, status, parameters, best value, last epoch, stop reason).</summary>
public static class TrialsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The experiment's name ('hpo status' lists them)." };
        var db = ExperimentCliOptions.Db();
        var status = new Option<string?>("--status") { Description = "Only trials with this status." };
        status.AcceptOnlyFromAmong([.. Enum.GetNames<TrialStatus>().Select(s => s.ToLowerInvariant())]);
        var json = ExperimentCliOptions.Json("the trials");
        var command = new Command("trials", "List an experiment's trials: number, status, parameters, best value, last epoch and why it stopped (or the error that failed it).")
        {
            name, db, status, json,
        };
        command.SetAction(async (parse, cancellationToken) => await ExperimentCommandErrors.RunAsync(parse, async output =>
        {
            await using var host = await ExperimentHost.OpenAsync(parse.GetValue(db)!, create: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            var experiment = await host.RequireExperimentAsync(parse.GetValue(name)!, cancellationToken).ConfigureAwait(false);
            TrialStatus? filter = parse.GetValue(status) is { } s ? Enum.Parse<TrialStatus>(s, ignoreCase: true) : null;
            var trials = await host.ListTrialsAsync(experiment.Id, filter, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                var doc = new JsonObject
                {
                    ["experiment"] = experiment.Spec.Name,
                    ["metric"] = experiment.Spec.MetricName,
                    ["maxEpochs"] = experiment.Spec.MaxEpochs,
                    ["trials"] = new JsonArray([.. trials.Select(t => (JsonNode)ExperimentViews.TrialJson(t))]),
                };
                await output.Out.WriteLineAsync(doc.ToJsonString(ExperimentViews.Indented)).ConfigureAwait(false);
                return 0;
            }

            if (trials.Count == 0)
            {
                await output.Out.WriteLineAsync(filter is null ? $"Experiment '{experiment.Spec.Name}' has no trials yet." : $"Experiment '{experiment.Spec.Name}' has no {filter.Value.ToString().ToLowerInvariant()} trials.").ConfigureAwait(false);
                return 0;
            }

            ExperimentViews.ConsoleFor(output.Out).Write(ExperimentViews.TrialsTable(trials, experiment.Spec));
            return 0;
        }));
        return command;
    }
}
