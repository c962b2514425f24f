using Hpo.Benchmarks.Throughput;
using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Hpo.Cli.Database;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Models;
using Hpo.Scheduler.Persistence;

namespace Hpo.Cli.Bench;

/// <summary>
/// <c>hpo bench dashboard</c>: page load, live and quiet poll time and bytes of the experiment page on a large
/// experiment, and the forecast endpoint's latency. Progress goes to stderr; the figures to stdout (JSON with <c>--json</c>).
/// </summary>
public static class DashboardBenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new DashboardBenchSettings(string.Empty, false);
        var db = DatabaseCommand.DbOption();
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var migrate = new Option<bool>("--migrate") { Description = "Apply pending migrations first (creates a SQLite file; otherwise an outdated schema is an error)." };
        var trials = Positive("--trials", defaults.Trials, "Trials in the experiment written for the benchmark.");
        var epochs = Positive("--epochs", defaults.Epochs, "Epochs of an unstopped trial (2-100).");
        var running = Positive("--running", defaults.Running, "Running trials (the first ones, on the first page) that record an epoch before each live poll.");
        var pageSize = Positive("--page-size", defaults.PageSize, "Trials per page, as the experiment page asks (1-500).");
        var polls = Positive("--polls", defaults.Polls, "Repetitions of each measurement (less than (--epochs - 2) / 2).");
        var model = ModelOption.Create();
        var command = new Command("dashboard", "Benchmark the dashboard at scale: writes a bench-dashboard-* experiment of many trials, serves it on a loopback port and times the experiment page's load, its live and quiet polls (bytes too) and the LC-PFN forecast endpoint.")
        {
            db, json, migrate, trials, epochs, running, pageSize, polls, model,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string? problem = parse.GetValue(epochs) is < 2 or > 100 ? "--epochs must be from 2 to 100."
                : parse.GetValue(pageSize) > 500 ? "--page-size must be at most 500."
                : 2 + (2 * parse.GetValue(polls)) >= parse.GetValue(epochs) ? "--polls must be less than (--epochs - 2) / 2: each running trial starts with up to 2 epochs and records one before each of 2 x --polls live polls, staying short of its final epoch."
                : parse.GetValue(running) > Math.Min(parse.GetValue(trials), parse.GetValue(pageSize)) ? "--running must be at most --trials and --page-size (the running trials are on the first page)."
                : null;
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync($"hpo bench dashboard: {problem}");
                return 2;
            }

            string modelPath;
            try
            {
                modelPath = ModelOption.Resolve(parse.GetValue(model));
            }
            catch (FileNotFoundException ex)
            {
                await Console.Error.WriteLineAsync($"hpo bench dashboard: --model: {ex.Message}");
                return 2;
            }

            var settings = new DashboardBenchSettings(
                parse.GetValue(db)!,
                parse.GetValue(migrate),
                parse.GetValue(trials),
                parse.GetValue(epochs),
                parse.GetValue(running),
                parse.GetValue(pageSize),
                parse.GetValue(polls),
                modelPath);
            DashboardBenchResult result;
            try
            {
                result = await new DashboardBenchmark(settings, Console.Error).RunAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is DbException or ArgumentException or InvalidOperationException or HpoValidationException or IOException or HttpRequestException or LcPfnModelFormatException)
            {
                await Console.Error.WriteLineAsync($"hpo bench dashboard: {ex.Message}");
                return 1;
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(result, BenchJson.Options));
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Trials} trials x up to {result.Epochs} epochs ({result.Observations} observations), page size {result.PageSize}, {result.Database}"));
                Print("first page load", result.FirstPageLoad);
                Print("page load", result.PageLoad);
                Print($"live poll ({result.Running} new epochs)", result.LivePoll);
                Print("live poll without summary", result.LivePollWithoutSummary);
                Print("quiet poll", result.QuietPoll);
                foreach (var (name, figures) in result.Endpoints)
                {
                    Print($"  {name}", figures);
                }

                Print("all curves in full", result.AllCurves);
                if (result.Forecast is { } f)
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"forecast: first {f.ColdMilliseconds:F1} ms, cached {f.CachedMilliseconds:F1} ms, {f.Bytes} bytes (model {f.Model[..12]}…)"));
                }
            }

            return 0;
        });
        return command;
    }

    private static void Print(string what, DashboardBenchResult.Figures f) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-28} p50 {f.P50Milliseconds,8:F1} ms  max {f.MaxMilliseconds,8:F1} ms  {f.BytesP50,9} bytes (max {f.BytesMax}), {f.Requests} requests"));

    private static Option<int> Positive(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = $"{description} Default {defaultValue}.", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }
}
