using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hpo.Cli.Tests.LcPfn;
using Hpo.Scheduler.Persistence;
using Hpo.Workloads.Datasets;
using Hpo.Storage.Configuration;
using Hpo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Hpo.Cli.Tests.Experiments;

public sealed class ExperimentCommandsTests : IClassFixture<LcPfnCommandTests.TinyModelFile>, IDisposable
{
    private readonly string _model;
    private readonly string _folder = Directory.CreateTempSubdirectory("hpo-cli-experiments").FullName;

    public ExperimentCommandsTests(LcPfnCommandTests.TinyModelFile model) => _model = model.Path;

    private string Db => Path.Combine(_folder, "hpo.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    private static Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    private string WriteExperiment(string name, int trials, int epochs, int concurrency = 2, string policy = """{"type":"lcpfn","delta":0.05,"minEpochs":2}""", string workload = "digits-mlp")
    {
        string path = Path.Combine(_folder, name + ".json");
        File.WriteAllText(path, $$"""
            {
              "name": "{{name}}",
              "workload": { "type": "{{workload}}" },
              "metric": { "name": "val_accuracy", "direction": "maximize", "lowerBound": 0, "upperBound": 1 },
              "maxEpochs": {{epochs}},
              "searchSpace": "default",
              "policy": {{policy}},
              "budget": { "maxTrials": {{trials}} },
              "concurrency": {{concurrency}},
              "seed": 3,
              "leaseSeconds": 1
            }
            """);
        return path;
    }

    [Fact]
    public async Task Run_ExperimentFile_PersistsTrialsAndStatusAndTrialsReadThemBack()
    {
        string file = WriteExperiment("run-e2e", trials: 4, epochs: 6);

        var (code, output, error) = await RunAsync("run", file, "--db", Db, "--model", _model, "--json");

        Assert.True(code == 0, error);
        var summary = JsonNode.Parse(output)!;
        Assert.Equal("Completed", summary["status"]!.GetValue<string>());
        Assert.Equal(4, summary["trials"]!.GetValue<int>());
        long used = summary["epochsUsed"]!.GetValue<long>();
        long without = summary["epochsWithoutStopping"]!.GetValue<long>();
        Assert.InRange(used, 4, without);
        Assert.Equal(without, 6 * summary["stoppedEarly"]!.GetValue<int>() + 6 * summary["completed"]!.GetValue<int>());
        Assert.Contains("Experiment 'run-e2e' (new)", error, StringComparison.Ordinal);

        var status = await RunAsync("status", "--db", Db, "--json");
        Assert.True(status.ExitCode == 0, status.Error);
        var listed = Assert.Single(JsonNode.Parse(status.Out)!["experiments"]!.AsArray());
        Assert.Equal("run-e2e", listed!["name"]!.GetValue<string>());
        Assert.Equal(used, listed["epochsUsed"]!.GetValue<long>());

        var trials = await RunAsync("trials", "run-e2e", "--db", Db, "--json");
        Assert.True(trials.ExitCode == 0, trials.Error);
        var rows = JsonNode.Parse(trials.Out)!["trials"]!.AsArray();
        Assert.Equal([1, 2, 3, 4], rows.Select(r => r!["number"]!.GetValue<int>()));
        Assert.Equal(used, rows.Sum(r => r!["lastEpoch"]!.GetValue<int>()));
        Assert.All(rows, r => Assert.Equal(6, r!["parameters"]!["epochs"]!.GetValue<int>()));
        Assert.All(rows.Where(r => r!["status"]!.GetValue<string>() == "Stopped"), r => Assert.False(string.IsNullOrEmpty(r!["stopReason"]?.GetValue<string>())));

        var stopped = await RunAsync("trials", "run-e2e", "--db", Db, "--status", "stopped", "--json");
        Assert.Equal(summary["stoppedEarly"]!.GetValue<int>(), JsonNode.Parse(stopped.Out)!["trials"]!.AsArray().Count);

        var table = await RunAsync("status", "run-e2e", "--db", Db);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("best val_accuracy", table.Out, StringComparison.Ordinal);
        Assert.Contains("hpo trials --db", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CancelledMidRunThenRerun_ResumesWithoutDuplicateTrials()
    {
        string file = WriteExperiment("resume", trials: 6, epochs: 8, concurrency: 1, policy: """{"type":"none"}""");
        using var cts = new CancellationTokenSource();
        var services = new ServiceCollection().AddHpoStorage(o => o.Connection = Db).BuildServiceProvider();
        await using var _ = services;
        var store = services.GetRequiredService<IExperimentStore>();

        var first = RunAsync(["run", file, "--db", Db], cts.Token);
        while (!first.IsCompleted && !await OneTrialFinishedAsync(store))
        {
            await Task.Delay(20);
        }

        await cts.CancelAsync();
        var (code, _, error) = await first;

        Assert.Equal(130, code);
        Assert.Contains("Resume it with: hpo run", error, StringComparison.Ordinal);
        var interrupted = await store.FindExperimentAsync("resume");
        Assert.Equal(ExperimentStatus.Cancelled, interrupted!.Status);
        var before = await store.ListTrialsAsync(interrupted.Id);
        Assert.InRange(before.TotalCount, 1, 5);

        var (again, output, againError) = await RunAsync("run", file, "--db", Db, "--resume", "--json");

        Assert.True(again == 0, againError);
        Assert.Contains("resuming (Cancelled)", againError, StringComparison.Ordinal);
        // The cancel lands mid-trial or, now and then, between two trials; the rerun says so exactly when a trial was cut off.
        bool cutOff = before.Items.Any(t => t.Status == TrialStatus.Running);
        Assert.Equal(cutOff, againError.Contains("interrupted trial(s) continue after their last epoch", StringComparison.Ordinal));
        Assert.Equal(6, JsonNode.Parse(output)!["trials"]!.GetValue<int>());
        var after = await store.ListTrialsAsync(interrupted.Id);
        Assert.Equal([1, 2, 3, 4, 5, 6], after.Items.Select(t => t.Number));
        Assert.All(after.Items, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.All(after.Items, t => Assert.Equal(8, t.LastEpoch));

        // Trials finished before the interruption kept their parameters.
        foreach (var t in before.Items.Where(t => t.IsTerminal))
        {
            Assert.Equal(t.ParametersJson, after.Items.Single(a => a.Number == t.Number).ParametersJson);
        }
    }

    private static async Task<bool> OneTrialFinishedAsync(IExperimentStore store)
    {
        try
        {
            var experiment = await store.FindExperimentAsync("resume");
            return experiment is not null && (await store.ListTrialsAsync(experiment.Id, status: TrialStatus.Completed)).TotalCount > 0;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            // The run has not created the schema yet.
            return false;
        }
    }

    [Fact]
    public async Task Run_ResumeFlagWithoutExperiment_ExitsTwo()
    {
        string file = WriteExperiment("never-started", trials: 1, epochs: 2, policy: """{"type":"none"}""");

        var (code, _, error) = await RunAsync("run", file, "--db", Db, "--resume");

        Assert.Equal(2, code);
        Assert.Contains("no experiment 'never-started' to resume", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ChangedFileUnderSameName_IsRefused()
    {
        string file = WriteExperiment("changed", trials: 1, epochs: 2, policy: """{"type":"none"}""");
        Assert.Equal(0, (await RunAsync("run", file, "--db", Db, "--json")).ExitCode);
        WriteExperiment("changed", trials: 1, epochs: 3, policy: """{"type":"none"}""");

        var (code, _, error) = await RunAsync("run", file, "--db", Db);

        Assert.Equal(2, code);
        Assert.Contains("MaxEpochs", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadExperimentFile_ExitsTwoNamingFileAndJsonPath()
    {
        string file = WriteExperiment("bad", trials: 1, epochs: 2, policy: """{"type":"lcpfn","delta":1.5}""");

        var (code, output, error) = await RunAsync("run", file, "--db", Db);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"{file}: $.policy.delta: is 1.5; it must be in (0, 1]", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task Run_MissingModel_ExitsTwoSayingHowToGetOne()
    {
        string file = WriteExperiment("no-model", trials: 1, epochs: 2);

        var (code, _, error) = await RunAsync("run", file, "--db", Db, "--model", Path.Combine(_folder, "missing.lcpfn"));

        Assert.Equal(2, code);
        Assert.Contains("needs an LC-PFN model", error, StringComparison.Ordinal);
        Assert.Contains("missing.lcpfn", error, StringComparison.Ordinal);
        Assert.Contains("hpo lcpfn train", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task Demo_MissingModel_ExitsTwoWithoutFallingBackOrCreatingTheDatabase()
    {
        var (code, output, error) = await RunAsync("demo", "--db", Db, "--model", Path.Combine(_folder, "missing.lcpfn"), "--trials", "1", "--epochs", "2");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("'lcpfn' stopping policy needs an LC-PFN model", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task Demo_TinyBudgetTwice_CreatesTwoExperimentsAndPrintsSummary()
    {
        var first = await RunAsync("demo", "--db", Db, "--model", _model, "--trials", "3", "--epochs", "3");
        var second = await RunAsync("demo", "--db", Db, "--model", _model, "--trials", "2", "--epochs", "3", "--json");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("best val_accuracy", first.Out, StringComparison.Ordinal);
        Assert.Contains("epochs used", first.Out, StringComparison.Ordinal);
        Assert.Contains("without early stopping", first.Out, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(Db), first.Out, StringComparison.Ordinal);
        Assert.Contains("hpo status --db", first.Out, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(2, JsonNode.Parse(second.Out)!["trials"]!.GetValue<int>());

        var status = JsonNode.Parse((await RunAsync("status", "--db", Db, "--json")).Out)!["experiments"]!.AsArray();
        Assert.Equal(2, status.Count);
        Assert.All(status, e => Assert.StartsWith("demo-", e!["name"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(2, status.Select(e => e!["name"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Run_MlNetExperiment_SavesBestModelThatScoresTheReportedValue()
    {
        string file = WriteExperiment("mlnet-best", trials: 4, epochs: 4, workload: "mlnet-digits");

        var (code, output, error) = await RunAsync("run", file, "--db", Db, "--model", _model, "--json");

        Assert.True(code == 0, error);
        var summary = JsonNode.Parse(output)!;
        string path = summary["bestModel"]!.GetValue<string>();
        Assert.Equal(Path.Combine(_folder, "hpo-models", "mlnet-best.zip"), path);
        Assert.Contains($"saved to {path}", error, StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".saving"));

        // Score the saved model on the validation split the workload uses (its defaults), independently of Hpo's own scoring.
        var context = new MLContext(0);
        var model = context.Model.Load(path, out _);
        var split = DatasetSplit.Stratified(BuiltInDatasets.LoadDigits(), 0.2, DatasetSplitOptions.DefaultSplitSeed).Standardized();
        Assert.Equal(summary["bestValue"]!.GetValue<double>(), ValidationAccuracy(context, model, split), 12);
    }

    [Fact]
    public async Task Demo_SavesBestStateDictUnlessNoSaveModel()
    {
        var saved = await RunAsync("demo", "--db", Db, "--model", _model, "--name", "kept", "--trials", "2", "--epochs", "2");
        var skipped = await RunAsync("demo", "--db", Db, "--model", _model, "--name", "skipped", "--trials", "2", "--epochs", "2", "--no-save-model");

        Assert.True(saved.ExitCode == 0, saved.Error);
        string path = Path.Combine(_folder, "hpo-models", "kept.dat");
        Assert.Contains($"saved to {path}", saved.Out, StringComparison.Ordinal);
        Assert.True(new FileInfo(path).Length > 0);
        Assert.True(skipped.ExitCode == 0, skipped.Error);
        Assert.DoesNotContain("Best model", skipped.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "hpo-models"), "skipped*"));
        foreach (string verb in new[] { "demo", "run" })
        {
            Assert.Contains("--no-save-model", (await RunAsync(verb, "--help")).Out, StringComparison.Ordinal);
        }
    }

    private static double ValidationAccuracy(MLContext context, ITransformer model, DatasetSplit split)
    {
        IDataView Load(TabularDataset data)
        {
            var schema = SchemaDefinition.Create(typeof(DigitRow));
            schema[nameof(DigitRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, data.FeatureCount);
            var rows = new DigitRow[data.RowCount];
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = new DigitRow { Features = data.GetRow(i).ToArray(), Label = (uint)data.Labels.Span[i] };
            }

            return context.Data.LoadFromEnumerable(rows, schema);
        }

        var train = Load(split.Train);
        var toKey = context.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(train);
        var scored = model.Transform(toKey.Transform(Load(split.Validation)));
        var labels = scored.GetColumn<uint>("Label").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        return (double)labels.Zip(predicted).Count(p => p.First == p.Second) / labels.Length;
    }

    private sealed class DigitRow
    {
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    [Fact]
    public async Task Demo_ResumeOfCompletedExperiment_ReportsItsSummary()
    {
        var first = await RunAsync("demo", "--db", Db, "--name", "mine", "--policy", "patience:1", "--trials", "2", "--epochs", "3", "--json");
        var resumed = await RunAsync("demo", "--db", Db, "--resume", "mine", "--json");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(JsonNode.Parse(first.Out)!["epochsUsed"]!.GetValue<long>(), JsonNode.Parse(resumed.Out)!["epochsUsed"]!.GetValue<long>());
        Assert.Contains("resuming (Completed)", resumed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--policy", "lcpfn:2", "--policy ($.policy.delta)")]
    [InlineData("--policy", "magic", "not a known policy")]
    [InlineData("--trials", "0", "--trials: is 0")]
    [InlineData("--epochs", "0", "--epochs: is 0")]
    public async Task Demo_BadOption_ExitsTwoNamingIt(string option, string value, string expected)
    {
        var (code, _, error) = await RunAsync("demo", "--db", Db, option, value);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NoDatabase_ExitsOneWithoutCreatingIt()
    {
        var (code, _, error) = await RunAsync("status", "--db", Db);

        Assert.Equal(1, code);
        Assert.Contains("no database", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task Trials_UnknownExperiment_ExitsTwo()
    {
        Assert.Equal(0, (await RunAsync("demo", "--db", Db, "--policy", "none", "--trials", "1", "--epochs", "2", "--json")).ExitCode);

        var (code, _, error) = await RunAsync("trials", "nope", "--db", Db);

        Assert.Equal(2, code);
        Assert.Contains("no experiment 'nope'", error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Run_OnPostgres_NeedsMigrationThenRunsAndReadsBack()
    {
        await using var postgres = await PostgresTestDatabase.CreateAsync();
        string file = WriteExperiment("fleet", trials: 2, epochs: 2, policy: """{"type":"none"}""");

        var unmigrated = await RunAsync("run", file, "--db", postgres.ConnectionString);
        var migrate = await RunAsync("db", "migrate", "--db", postgres.ConnectionString);
        var run = await RunAsync("run", file, "--db", postgres.ConnectionString, "--json");
        var trials = await RunAsync("trials", "fleet", "--db", postgres.ConnectionString, "--json");
        // Running the same file again resumes the stored experiment, although jsonb gave its JSON back reordered.
        var again = await RunAsync("run", file, "--db", postgres.ConnectionString, "--json");

        Assert.Equal(1, unmigrated.ExitCode);
        Assert.Contains("hpo db migrate", unmigrated.Error, StringComparison.Ordinal);
        Assert.True(migrate.ExitCode == 0, migrate.Error);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(4, JsonNode.Parse(run.Out)!["epochsUsed"]!.GetValue<long>());
        Assert.Equal(2, JsonNode.Parse(trials.Out)!["trials"]!.AsArray().Count);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(4, JsonNode.Parse(again.Out)!["epochsUsed"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("trials")]
    public async Task Help_ExperimentCommand_DescribesOptions(string verb)
    {
        var (code, output, _) = await RunAsync(verb, "--help");

        Assert.Equal(0, code);
        Assert.Contains("--db", output, StringComparison.Ordinal);
        Assert.Contains("--json", output, StringComparison.Ordinal);
    }
}
