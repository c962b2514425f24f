using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Spectre.Console;

namespace Hpo.Cli.Experiments;

/// <summary>Tables and JSON for experiments and trials (run and demo summaries, status, trials).</summary>
internal static class ExperimentViews
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A Spectre console on <paramref name="writer"/>; off a terminal (CI logs, pipes, files) lines are 200 columns so tables do not wrap.</summary>
    public static IAnsiConsole ConsoleFor(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (!ReferenceEquals(writer, Console.Out) || Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    public static void RenderSummary(IAnsiConsole console, ExperimentSummary s, ExperimentSpec spec, string location)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(s.Name)}[/]: {s.Status}").HideHeaders();
        table.AddColumn("what");
        table.AddColumn("value");
        table.AddRow($"best {Markup.Escape(spec.MetricName)}", s.BestValue is { } best ? $"[bold green]{Number(best)}[/] (trial {s.BestTrialNumber})" : "none observed");
        table.AddRow("best configuration", Markup.Escape(Parameters(s.BestParameters)));
        table.AddRow("trials", $"{s.Trials}: {s.Completed} completed, [yellow]{s.StoppedEarly} stopped early[/], {s.Failed} failed");
        table.AddRow("epochs used", string.Create(CultureInfo.InvariantCulture,
            $"{s.EpochsUsed} of {s.EpochsWithoutStopping} without early stopping ({SavedPercent(s):0}% saved, {s.EpochSpeedup:0.00}x fewer)"));
        table.AddRow("wall time", Duration(s.WallTime));
        table.AddRow("stored in", Markup.Escape($"{location}, experiment '{s.Name}'"));
        table.AddRow("inspect", Markup.Escape($"hpo status --db {Quote(location)} {Quote(s.Name)}\nhpo trials --db {Quote(location)} {Quote(s.Name)} [--status stopped] [--json]"));
        console.Write(table);
    }

    public static JsonObject SummaryJson(ExperimentSummary s, ExperimentSpec spec, string location, int running = 0) => new()
    {
        ["name"] = s.Name,
        ["status"] = s.Status.ToString(),
        ["database"] = location,
        ["metric"] = spec.MetricName,
        ["direction"] = spec.Direction == MetricDirection.Maximize ? "maximize" : "minimize",
        ["maxEpochs"] = spec.MaxEpochs,
        ["trials"] = s.Trials,
        ["running"] = running,
        ["completed"] = s.Completed,
        ["stoppedEarly"] = s.StoppedEarly,
        ["failed"] = s.Failed,
        ["bestValue"] = s.BestValue,
        ["bestTrial"] = s.BestTrialNumber,
        ["bestParameters"] = s.BestParameters is null ? null : JsonNode.Parse(s.BestParameters.ToJson()),
        ["epochsUsed"] = s.EpochsUsed,
        ["epochsWithoutStopping"] = s.EpochsWithoutStopping,
        ["epochsSaved"] = s.EpochsWithoutStopping - s.EpochsUsed,
        ["epochSpeedup"] = Math.Round(s.EpochSpeedup, 4),
        ["wallTimeSeconds"] = Math.Round(s.WallTime.TotalSeconds, 3),
    };

    public static JsonObject TrialJson(TrialRecord t) => new()
    {
        ["number"] = t.Number,
        ["status"] = t.Status.ToString(),
        ["parameters"] = JsonNode.Parse(t.ParametersJson),
        ["bestValue"] = t.BestValue,
        ["lastValue"] = t.LastValue,
        ["lastEpoch"] = t.LastEpoch,
        ["stopReason"] = t.StopReason,
        ["error"] = t.Error,
        ["attempts"] = t.Attempt,
    };

    public static Table TrialsTable(IReadOnlyList<TrialRecord> trials, ExperimentSpec spec)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("status");
        table.AddColumn("parameters");
        table.AddColumn(new TableColumn($"best {Markup.Escape(spec.MetricName)}").RightAligned());
        table.AddColumn(new TableColumn("last epoch").RightAligned());
        table.AddColumn("stop reason / error");
        foreach (var t in trials)
        {
            table.AddRow(
                t.Number.ToString(CultureInfo.InvariantCulture),
                Status(t.Status),
                Markup.Escape(Parameters(TrialParameters.FromJson(t.ParametersJson))),
                t.BestValue is { } b ? Number(b) : "-",
                string.Create(CultureInfo.InvariantCulture, $"{t.LastEpoch}/{spec.MaxEpochs}"),
                Markup.Escape(t.StopReason ?? t.Error ?? ""));
        }

        return table;
    }

    public static string Status(TrialStatus status) => status switch
    {
        TrialStatus.Completed => "[green]completed[/]",
        TrialStatus.Stopped => "[yellow]stopped[/]",
        TrialStatus.Failed => "[red]failed[/]",
        TrialStatus.Running => "[blue]running[/]",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Parameters(TrialParameters? parameters)
    {
        if (parameters is null)
        {
            return "-";
        }

        var obj = JsonNode.Parse(parameters.ToJson()) as JsonObject;
        return obj is null ? parameters.ToJson() : string.Join(", ", obj.Select(p => $"{p.Key}={Value(p.Value)}"));
    }

    public static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan t) => t.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes}m {t.Seconds:00}s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0}s");

    public static double SavedPercent(ExperimentSummary s) =>
        s.EpochsWithoutStopping == 0 ? 0 : 100.0 * (s.EpochsWithoutStopping - s.EpochsUsed) / s.EpochsWithoutStopping;

    public static string Quote(string text) => text.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or ';' or '&' or '$') ? $"'{text.Replace("'", "'\\''", StringComparison.Ordinal)}'" : text;

    private static string Value(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) && d != Math.Floor(d) => d.ToString("G4", CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        null => "null",
        _ => node.ToJsonString(),
    };
}
