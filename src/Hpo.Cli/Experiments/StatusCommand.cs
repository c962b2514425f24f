using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Spectre.Console;

namespace Hpo.Cli.Experiments;

/// <summary><c>hpo status [NAME]</c>: the experiments in a database, or one experiment's summary.</summary>
public static class StatusCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "An experiment's name: show its summary. Omit to list every experiment.", Arity = ArgumentArity.ZeroOrOne };
        var db = ExperimentCliOptions.Db();
        var json = ExperimentCliOptions.Json("the list or the summary");
        var command = new Command("status", "List the experiments in a database (status, trials by status, best value, epochs used and saved by early stopping), or show one experiment's summary.")
        {
            name, db, json,
        };
        command.SetAction(async (parse, cancellationToken) => await ExperimentCommandErrors.RunAsync(parse, async output =>
        {
            await using var host = await ExperimentHost.OpenAsync(parse.GetValue(db)!, create: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            bool asJson = parse.GetValue(json);
            if (parse.GetValue(name) is { } experimentName)
            {
                var experiment = await host.RequireExperimentAsync(experimentName, cancellationToken).ConfigureAwait(false);
                var (summary, running) = await SummarizeAsync(host, experiment, cancellationToken).ConfigureAwait(false);
                if (asJson)
                {
                    await output.Out.WriteLineAsync(ExperimentViews.SummaryJson(summary, experiment.Spec, host.Location, running).ToJsonString(ExperimentViews.Indented)).ConfigureAwait(false);
                }
                else
                {
                    ExperimentViews.RenderSummary(ExperimentViews.ConsoleFor(output.Out), summary, experiment.Spec, host.Location);
                }

                return 0;
            }

            var rows = new List<(ExperimentRecord Experiment, ExperimentSummary Summary, int Running)>();
            for (int page = 1; ; page++)
            {
                var p = await host.Store.ListExperimentsAsync(page, 100, cancellationToken).ConfigureAwait(false);
                foreach (var e in p.Items)
                {
                    var (summary, running) = await SummarizeAsync(host, e, cancellationToken).ConfigureAwait(false);
                    rows.Add((e, summary, running));
                }

                if (p.Items.Count < p.PageSize || rows.Count >= p.TotalCount)
                {
                    break;
                }
            }

            if (asJson)
            {
                var array = new JsonArray([.. rows.Select(r => (JsonNode)ExperimentViews.SummaryJson(r.Summary, r.Experiment.Spec, host.Location, r.Running))]);
                await output.Out.WriteLineAsync(new JsonObject { ["database"] = host.Location, ["experiments"] = array }.ToJsonString(ExperimentViews.Indented)).ConfigureAwait(false);
                return 0;
            }

            if (rows.Count == 0)
            {
                await output.Out.WriteLineAsync($"No experiments in {host.Location}. Start one with 'hpo demo' or 'hpo run FILE'.").ConfigureAwait(false);
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(host.Location));
            foreach (var column in new[] { "name", "status", "trials", "running", "completed", "stopped", "failed", "best", "epochs used", "saved", "created (UTC)" })
            {
                table.AddColumn(column is "name" or "status" or "created (UTC)" ? new TableColumn(column) : new TableColumn(column).RightAligned());
            }

            foreach (var (e, s, running) in rows)
            {
                table.AddRow(
                    Markup.Escape(s.Name),
                    s.Status.ToString(),
                    Int(s.Trials),
                    Int(running),
                    Int(s.Completed),
                    Int(s.StoppedEarly),
                    Int(s.Failed),
                    s.BestValue is { } b ? $"{ExperimentViews.Number(b)} {Markup.Escape(e.Spec.MetricName)}" : "-",
                    string.Create(CultureInfo.InvariantCulture, $"{s.EpochsUsed}/{s.EpochsWithoutStopping}"),
                    string.Create(CultureInfo.InvariantCulture, $"{ExperimentViews.SavedPercent(s):0}%"),
                    e.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }

            ExperimentViews.ConsoleFor(output.Out).Write(table);
            return 0;
        }));
        return command;
    }

    private static async Task<(ExperimentSummary Summary, int Running)> SummarizeAsync(ExperimentHost host, ExperimentRecord experiment, CancellationToken cancellationToken)
    {
        // The wall time of a stored experiment: from its creation to its last status change.
        var summary = await ExperimentSummary.FromStoreAsync(host.Store, experiment.Id, experiment.UpdatedAt - experiment.CreatedAt, cancellationToken).ConfigureAwait(false);
        var running = await host.Store.ListTrialsAsync(experiment.Id, 1, 1, TrialStatus.Running, cancellationToken).ConfigureAwait(false);
        return (summary, (int)running.TotalCount);
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
