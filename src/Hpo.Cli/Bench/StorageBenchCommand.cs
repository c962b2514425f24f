using Hpo.Benchmarks.Throughput;
using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hpo.Cli.Database;
using Hpo.Scheduler.Persistence;

namespace Hpo.Cli.Bench;

/// <summary>
/// <c>hpo bench storage</c>: observation writes per second (one per call and batched) and the latency of reading
/// the curves of 64 running trials. Progress goes to stderr; the figures to stdout (JSON with <c>--json</c>).
/// </summary>
public static class StorageBenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new StorageBenchSettings(string.Empty, false);
        var db = DatabaseCommand.DbOption();
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var migrate = new Option<bool>("--migrate") { Description = "Apply pending migrations first (otherwise an outdated schema is an error)." };
        var writers = Positive("--writers", defaults.Writers, "Concurrent writers, each on its own running trial.");
        var single = Positive("--single", defaults.SingleObservations, "Observations written one per call, over all writers.");
        var batched = Positive("--batched", defaults.BatchedObservations, "Observations written in batches, over all writers.");
        var batchSize = Positive("--batch-size", defaults.BatchSize, "Observations per batched call (at most 5,000).");
        var curveTrials = Positive("--curve-trials", defaults.CurveTrials, "Running trials whose curves are read in one call.");
        var curveEpochs = Positive("--curve-epochs", defaults.CurveEpochs, "Epochs stored per trial before the curve reads.");
        var reads = Positive("--reads", defaults.CurveReads, "Timed curve reads.");
        var command = new Command("storage", "Benchmark the system of record: observation writes/s (single and batched) and p50/p99 latency of reading the curves of many running trials. Writes a bench-storage-* experiment into the database.")
        {
            db, json, migrate, writers, single, batched, batchSize, curveTrials, curveEpochs, reads,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new StorageBenchSettings(
                parse.GetValue(db)!,
                parse.GetValue(migrate),
                parse.GetValue(writers),
                parse.GetValue(single),
                parse.GetValue(batched),
                parse.GetValue(batchSize),
                parse.GetValue(curveTrials),
                parse.GetValue(curveEpochs),
                parse.GetValue(reads));
            StorageBenchResult result;
            try
            {
                result = await new StorageBenchmark(settings, Console.Error).RunAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is DbException or ArgumentException or InvalidOperationException or HpoValidationException or IOException or Microsoft.Extensions.Options.OptionsValidationException)
            {
                await Console.Error.WriteLineAsync($"hpo bench storage: {ex.Message}");
                return 1;
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Server} ({result.Provider})"));
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"observations, 1 per call:   {result.Single.ObservationsPerSecond,10:F0}/s  ({result.Single.Observations} by {result.Single.Writers} writers in {result.Single.Seconds:F2} s)"));
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"observations, {result.Batched.BatchSize} per call: {result.Batched.ObservationsPerSecond,10:F0}/s  ({result.Batched.Observations} by {result.Batched.Writers} writers in {result.Batched.Seconds:F2} s)"));
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"curves of {result.Curves.Trials} running trials: p50 {result.Curves.P50Milliseconds:F2} ms, p99 {result.Curves.P99Milliseconds:F2} ms ({result.Curves.Reads} reads, {result.Curves.EpochsPerTrial} epochs each)"));
            }

            return 0;
        });
        return command;
    }

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
