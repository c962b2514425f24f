using Hpo.Workloads;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Cli.LcPfn;
using Hpo.Scheduler.Experiments.Files;
using Hpo.Scheduler.Stopping;
using Hpo.Workloads.Tabular;

namespace Hpo.Cli.Init;

/// <summary>
/// <c>hpo init DATA --label COL</c>: reads a sample of a CSV/TSV file, prints the schema it inferred and
/// writes an experiment file that <c>hpo run</c> takes as it is.
/// </summary>
public static class InitCommand
{
    /// <summary>Epochs of an unstopped trial in the written file.</summary>
    public const int DefaultMaxEpochs = 20;

    /// <summary>Trials in the written file's budget.</summary>
    public const int DefaultTrials = 20;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var data = new Argument<string>("data") { Description = "The CSV or TSV file: a header row naming the columns, then one row per example." };
        var label = new Option<string>("--label", "-l") { Description = "The column to predict.", Required = true };
        var task = new Option<string?>("--task") { Description = "binary, multiclass or regression. Default: inferred from the label (text or up to 10 distinct integers: classification; other numbers: regression)." };
        var workload = new Option<string>("--workload", "-w") { Description = $"{TabularMlNetWorkload.TypeName} (ML.NET, warm-started L-BFGS or online gradient descent) or {TabularMlpWorkload.TypeName} (TorchSharp MLP).", DefaultValueFactory = _ => TabularMlNetWorkload.TypeName };
        var metric = new Option<string?>("--metric") { Description = "val_accuracy, val_auc (binary), val_log_loss, val_macro_f1; val_rmse, val_mae, val_r2 (regression). Default: val_accuracy, or val_rmse for regression." };
        var ignore = new Option<string[]>("--ignore") { Description = "Columns that are not features (e.g. ids); repeat the option or separate with commas.", AllowMultipleArgumentsPerToken = true };
        var separator = new Option<string?>("--separator") { Description = "The field separator (one character, or 'tab'). Default: detected from the header line." };
        var validation = new Option<string?>("--validation") { Description = "A separate validation file with the same columns. Default: 20% of the rows, stratified, with a fixed seed." };
        var output = new Option<string?>("--output", "-o") { Description = "The experiment file to write. Default: <data name>.hpo.json in the current folder." };
        var name = new Option<string?>("--name") { Description = "The experiment's name. Default: the data file's name without extension." };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "Epochs of a trial that is not stopped early.", DefaultValueFactory = _ => DefaultMaxEpochs };
        var trials = new Option<int>("--trials") { Description = "Trials in the budget.", DefaultValueFactory = _ => DefaultTrials };
        var sampleRows = new Option<int>("--sample-rows") { Description = "Rows read to infer the schema.", DefaultValueFactory = _ => TabularSchema.DefaultSampleRows };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file if it exists." };
        var command = new Command("init",
            "Write a ready experiment file for your own CSV/TSV: reads a sample of the file, prints the schema it inferred (column, type, missing values, distinct values, how each is used), " +
            "and writes the workload, the metric with its bounds, the default search space, the LC-PFN policy and a budget. Then: hpo run FILE. Exit codes: 0 written, 2 bad input (the message names the file, line and column).")
        {
            data, label, task, workload, metric, ignore, separator, validation, output, name, maxEpochs, trials, sampleRows, force,
        };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, async io =>
        {
            var request = new InitRequest(
                parse.GetValue(data)!,
                parse.GetValue(label)!,
                ParseTask(parse.GetValue(task)),
                parse.GetValue(workload)!,
                parse.GetValue(metric),
                [.. (parse.GetValue(ignore) ?? []).SelectMany(i => i.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))],
                ParseSeparator(parse.GetValue(separator)),
                parse.GetValue(validation),
                parse.GetValue(name),
                parse.GetValue(maxEpochs),
                parse.GetValue(trials),
                parse.GetValue(sampleRows));
            string path = parse.GetValue(output) ?? System.IO.Path.GetFileNameWithoutExtension(request.Data) + ".hpo.json";
            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new ArgumentException($"'{path}' exists; pass --force to overwrite it or --output to write elsewhere.");
            }

            var (file, schema) = Build(request, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            string json = file.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

            // The file must be one that hpo run accepts; a mistake here is a bug, not bad input.
            ExperimentFile.Parse(json, BuiltInWorkloads.CreateRegistry());
            await File.WriteAllTextAsync(path, json + Environment.NewLine, cancellationToken).ConfigureAwait(false);
            await PrintAsync(io.Out, schema, file, path).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>Infers the schema of <paramref name="request"/>'s data and builds the experiment file.</summary>
    /// <param name="request">What the user asked for.</param>
    /// <param name="outputFolder">The folder the file is written to; the data path is kept relative when that is the current folder.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="TabularDataException">The data cannot be used.</exception>
    internal static (JsonObject File, TabularSchema Schema) Build(InitRequest request, string outputFolder)
    {
        if (request.Workload is not (TabularMlNetWorkload.TypeName or TabularMlpWorkload.TypeName))
        {
            throw new ArgumentException($"--workload is '{request.Workload}'; expected {TabularMlNetWorkload.TypeName} or {TabularMlpWorkload.TypeName}.");
        }

        if (request.MaxEpochs is < 1 or > 100_000)
        {
            throw new ArgumentException($"--max-epochs is {request.MaxEpochs}; it must be in [1, 100000].");
        }

        if (request.Trials is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"--trials is {request.Trials}; it must be in [1, 1000000].");
        }

        if (request.SampleRows < 1)
        {
            throw new ArgumentException($"--sample-rows is {request.SampleRows}; it must be at least 1.");
        }

        if (request.Validation is { } v && !File.Exists(v))
        {
            throw new FileNotFoundException($"--validation file '{v}' does not exist.", v);
        }

        var schema = TabularSchema.Infer(request.Data, request.Label, request.Separator, request.Task, request.Ignore, request.SampleRows);
        TabularMetric metric;
        try
        {
            metric = TabularMetric.Find(request.Metric ?? TabularMetric.DefaultFor(schema.Task).Name, schema.Task);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"--metric {ex.Message}.", ex);
        }

        bool here = string.Equals(System.IO.Path.GetFullPath(outputFolder).TrimEnd('/'), Directory.GetCurrentDirectory().TrimEnd('/'), StringComparison.Ordinal);
        string DataPath(string p) => here ? p : System.IO.Path.GetFullPath(p);
        var workload = new JsonObject
        {
            ["type"] = request.Workload,
            ["dataset"] = DataPath(request.Data),
            ["label"] = request.Label,
            ["task"] = TabularMetric.TaskName(schema.Task),
            ["metric"] = metric.Name,
        };
        if (request.Ignore.Count > 0)
        {
            workload["ignore"] = new JsonArray([.. request.Ignore.Select(i => (JsonNode)i)]);
        }

        if (request.Separator is { } sep)
        {
            workload["separator"] = sep == '\t' ? "tab" : sep.ToString();
        }

        if (request.Validation is { } validation)
        {
            workload["validation"] = DataPath(validation);
        }

        var metricNode = new JsonObject { ["name"] = metric.Name, ["direction"] = metric.HigherIsBetter ? "maximize" : "minimize" };
        if (metric.LowerBound is { } lo)
        {
            metricNode["lowerBound"] = lo;
        }

        if (metric.UpperBound is { } hi)
        {
            metricNode["upperBound"] = hi;
        }

        string space = request.Workload == TabularMlNetWorkload.TypeName
            ? TabularMlNetWorkload.SearchSpaceJsonFor(schema.Task)
            : TabularMlpWorkload.DefaultSearchSpaceJson;
        var searchSpace = JsonNode.Parse(space)!.AsObject();
        if (searchSpace["epochs"] is JsonObject epochs)
        {
            epochs["value"] = request.MaxEpochs;
        }

        var file = new JsonObject
        {
            ["name"] = request.Name ?? System.IO.Path.GetFileNameWithoutExtension(request.Data),
            ["workload"] = workload,
            ["metric"] = metricNode,
            ["maxEpochs"] = request.MaxEpochs,
            ["searchSpace"] = searchSpace,
            ["policy"] = JsonNode.Parse(StoppingPolicyFactory.DefaultPolicyJson),
            ["budget"] = new JsonObject { ["maxTrials"] = request.Trials },
            ["concurrency"] = 2,
            ["seed"] = 0,
        };
        return (file, schema);
    }

    private static async Task PrintAsync(TextWriter output, TabularSchema schema, JsonObject file, string path)
    {
        string rows = schema.Truncated ? $"the first {schema.RowsRead} rows" : $"all {schema.RowsRead} rows";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Schema of '{schema.Path}' ({rows}; separator {Describe(schema.Separator)}):")).ConfigureAwait(false);
        int width = Math.Max(6, schema.Columns.Max(c => c.Name.Length));
        await output.WriteLineAsync($"  {"column".PadRight(width)}  {"type",-11}  {"missing",7}  {"distinct",8}  use").ConfigureAwait(false);
        foreach (var column in schema.Columns)
        {
            string type = column.Kind == TabularColumnKind.Numeric ? "numeric" : "categorical";
            string distinct = column.Cardinality >= TabularColumn.CardinalityCap ? $">={TabularColumn.CardinalityCap}" : column.Cardinality.ToString(CultureInfo.InvariantCulture);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {column.Name.PadRight(width)}  {type,-11}  {column.Missing,7}  {distinct,8}  {schema.Use(column)}")).ConfigureAwait(false);
        }

        string classes = schema.Task == TabularTask.Regression ? "" : $", {schema.ClassNames.Count} classes: {string.Join(", ", schema.ClassNames.Take(10))}{(schema.ClassNames.Count > 10 ? ", ..." : "")}";
        await output.WriteLineAsync($"Label '{schema.Label}': {TabularMetric.TaskName(schema.Task)}{classes}.").ConfigureAwait(false);
        if (schema.RowsWithoutLabel > 0)
        {
            await output.WriteLineAsync($"{schema.RowsWithoutLabel} rows have no label and are not trained on.").ConfigureAwait(false);
        }

        var metric = file["metric"]!;
        await output.WriteLineAsync($"Wrote '{path}': workload {file["workload"]!["type"]}, metric {metric["name"]} ({metric["direction"]}), {file["maxEpochs"]} epochs x {file["budget"]!["maxTrials"]} trials, LC-PFN early stopping.").ConfigureAwait(false);
        await output.WriteLineAsync($"Edit it if you like (README \"Experiment files\"), then run: hpo run {path}").ConfigureAwait(false);
    }

    private static string Describe(char separator) => separator switch
    {
        '\t' => "tab",
        ',' => "comma",
        ';' => "semicolon",
        '|' => "pipe",
        var c => $"'{c}'",
    };

    private static TabularTask? ParseTask(string? task) => task switch
    {
        null => null,
        "binary" => TabularTask.Binary,
        "multiclass" => TabularTask.Multiclass,
        "regression" => TabularTask.Regression,
        var other => throw new ArgumentException($"--task is '{other}'; expected binary, multiclass or regression."),
    };

    private static char? ParseSeparator(string? separator) => separator switch
    {
        null => null,
        "tab" or "\\t" => '\t',
        { Length: 1 } s => s[0],
        var other => throw new ArgumentException($"--separator is '{other}'; expected one character or 'tab'."),
    };
}
