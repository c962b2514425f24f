using System.CommandLine;
using System.Text.Json;
using Hpo.LcPfn.Model;
using Hpo.LcPfn.Training;
using Hpo.Testing;
using Microsoft.Data.Sqlite;

namespace Hpo.Cli.Tests.Bench;

public sealed class BenchCommandTests : IClassFixture<BenchCommandTests.TinyModelFile>
{
    private readonly string _model;

    public BenchCommandTests(TinyModelFile model) => _model = model.Path;

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_Bench_ListsEveryBenchmark()
    {
        var (code, output, _) = await RunAsync("bench", "--help");

        Assert.Equal(0, code);
        Assert.Contains("lcbench", output, StringComparison.Ordinal);
        Assert.Contains("lcbench-extrapolation", output, StringComparison.Ordinal);
        Assert.Contains("predictor", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LcBench_VerticalJsonAndPlots_SummaryPerPolicyAndOneResultPerTaskAndPolicy()
    {
        string plots = TestTemp.Folder("hpo-bench-plots");

        var (code, output, error) = await RunAsync(
            "bench", "lcbench", "--tasks", "7593,34539", "--pool", "50", "--orderings", "3", "--policy", "lcpfn,patience:0,none,oracle",
            "--model", _model, "--json", "--out", plots);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("vertical", root.GetProperty("protocol").GetString());
        Assert.Equal(1040, root.GetProperty("budgetEpochs").GetInt32());
        var summary = root.GetProperty("summary").EnumerateArray().ToList();
        Assert.Equal(["lcpfn", "patience(0)", "none", "oracle"], summary.Select(s => s.GetProperty("policy").GetString()));
        var none = summary.Single(s => s.GetProperty("policy").GetString() == "none");
        Assert.Equal(1, none.GetProperty("geometricMeanSpeedUp").GetDouble());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(8, results.Count);
        Assert.All(results, r =>
        {
            Assert.True(r.GetProperty("speedUp").GetDouble() > 0);
            Assert.True(r.GetProperty("finalRegret").GetDouble() >= 0);
            Assert.True(r.GetProperty("trialsStarted").GetDouble() >= 1);
        });
        Assert.True(File.Exists(Path.Combine(plots, "regret-7593.svg")));
        Assert.True(File.Exists(Path.Combine(plots, "speedups.svg")));
        Assert.Contains("ETA", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LcBench_ParallelWithoutModel_RunsThePolicyBaselines()
    {
        var (code, output, error) = await RunAsync(
            "bench", "lcbench", "--protocol", "parallel", "--tasks", "7593", "--pool", "60", "--orderings", "2", "--budget-runs", "4", "--workers", "4",
            "--policy", "asha,asha-promote,hyperband,median", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(4, json.RootElement.GetProperty("workers").GetInt32());
        var summary = json.RootElement.GetProperty("summary").EnumerateArray().ToList();
        Assert.Equal(["asha", "asha-promote", "hyperband", "median", "none"], summary.Select(s => s.GetProperty("policy").GetString()));
        Assert.All(summary, s => Assert.True(s.GetProperty("meanArea").GetDouble() >= s.GetProperty("meanRegretAt100").GetDouble()));

        // The pausing policy's pauses and resumptions are counted; the others never pause.
        Assert.True(summary[1].GetProperty("meanPauses").GetDouble() > 0 && summary[1].GetProperty("meanResumes").GetDouble() > 0);
        Assert.Equal(0, summary[0].GetProperty("meanPauses").GetDouble());
        Assert.Contains("no extra epoch cost", json.RootElement.GetProperty("resumeCost").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--pool", "0", "--pool must be at least 1")]
    [InlineData("--protocol", "diagonal", "--protocol is 'diagonal'")]
    [InlineData("--tasks", "7593,99999", "'99999' is not an LCBench task")]
    [InlineData("--policy", "patience:x", "'x' is not a whole number")]
    [InlineData("--delta", "1.5", "--delta must be in (0, 1)")]
    public async Task LcBench_BadOption_ExitsTwoNamingIt(string option, string value, string expected)
    {
        var settings = new Dictionary<string, string> { ["--tasks"] = "7593", ["--pool"] = "20", ["--orderings"] = "1", ["--policy"] = "none" };
        settings[option] = value;

        var (code, output, error) = await RunAsync(["bench", "lcbench", .. settings.SelectMany(s => new[] { s.Key, s.Value })]);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task LcBench_SameModelTwiceNamed_EachModelsFiguresEqualTheSingleModelRun()
    {
        string plots = TestTemp.Folder("hpo-bench-models");
        string[] settings = ["bench", "lcbench", "--tasks", "7593", "--pool", "40", "--orderings", "2", "--policy", "lcpfn,patience:0", "--seed", "4", "--json"];

        var (code, output, error) = await RunAsync([.. settings, "-m", $"a={_model}", "--model", $"b={_model}", "--out", plots]);
        var (singleCode, singleOutput, singleError) = await RunAsync([.. settings, "--model", _model]);

        Assert.True(code == 0, error);
        Assert.True(singleCode == 0, singleError);
        using var named = JsonDocument.Parse(output);
        using var single = JsonDocument.Parse(singleOutput);
        Assert.Equal(["lcpfn@a", "lcpfn@b", "patience(0)", "none"], named.RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["lcpfn", "patience(0)", "none"], single.RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
        foreach (string label in new[] { "lcpfn@a", "lcpfn@b" })
        {
            Assert.Equal(Figures(single, "summary", "lcpfn"), Figures(named, "summary", label));
            Assert.Equal(Figures(single, "results", "lcpfn"), Figures(named, "results", label));
        }

        Assert.Equal(Figures(single, "results", "patience(0)"), Figures(named, "results", "patience(0)"));

        // The one-model document is today's; the named one records every model, each with its own cache.
        Assert.Equal(Path.GetFullPath(_model), single.RootElement.GetProperty("model").GetString());
        Assert.False(single.RootElement.TryGetProperty("models", out _));
        Assert.Equal(JsonValueKind.Null, named.RootElement.GetProperty("model").ValueKind);
        var models = named.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], models.Select(m => m.GetProperty("name").GetString()));
        long singleQueries = single.RootElement.GetProperty("lcpfnCurvesPredicted").GetInt64();
        Assert.True(singleQueries > 0);
        Assert.All(models, m =>
        {
            Assert.Equal(Path.GetFullPath(_model), m.GetProperty("path").GetString());
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_model))), m.GetProperty("sha256").GetString());
            Assert.Equal(singleQueries, m.GetProperty("curvesPredicted").GetInt64());
        });
        Assert.Contains("lcpfn@b", File.ReadAllText(Path.Combine(plots, "regret-mean.svg")), StringComparison.Ordinal);
        Assert.Contains("lcpfn@a", File.ReadAllText(Path.Combine(plots, "speedups.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extrapolation_SameModelTwiceNamed_RowsPerModelEqualTheSingleModelRun()
    {
        string[] settings = ["bench", "lcbench-extrapolation", "--tasks", "7593", "--curves", "4", "--cutoffs", "20,80", "--json"];

        var (code, output, error) = await RunAsync([.. settings, "-m", $"a={_model}", "-m", $"b={_model}"]);
        var (singleCode, singleOutput, singleError) = await RunAsync([.. settings, "-m", _model]);

        Assert.True(code == 0, error);
        Assert.True(singleCode == 0, singleError);
        using var named = JsonDocument.Parse(output);
        using var single = JsonDocument.Parse(singleOutput);
        var overall = named.RootElement.GetProperty("overall").EnumerateArray().ToList();
        Assert.Equal(["lcpfn@a", "lcpfn@b", "last-value", "power-law"], overall.Select(r => r.GetProperty("method").GetString()).Distinct());
        foreach (string method in new[] { "lcpfn@a", "lcpfn@b" })
        {
            Assert.Equal(Rows(single, "lcpfn"), Rows(named, method));
        }

        Assert.Equal(Rows(single, "power-law"), Rows(named, "power-law"));
        Assert.Equal(["a", "b"], named.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(Path.GetFullPath(_model), single.RootElement.GetProperty("model").GetString());

        static string[] Rows(JsonDocument document, string method) =>
            [.. document.RootElement.GetProperty("perTask").EnumerateArray().Where(r => r.GetProperty("method").GetString() == method)
                .Select(r => $"{r.GetProperty("cutoffPercent")} {r.GetProperty("logLikelihood")} {r.GetProperty("mse")}")];
    }

    [Theory]
    [InlineData("lcbench", "a={model}|a={model}", "--model names model 'a' twice")]
    [InlineData("lcbench", "={model}", "--model '={model}': the model name before '=' is empty")]
    [InlineData("lcbench", "a=", "--model 'a=': the path of model 'a' is empty")]
    [InlineData("lcbench", "a={model}|b=no-such.lcpfn", "--model b: model file 'no-such.lcpfn' does not exist")]
    [InlineData("lcbench", "a={model}|{model}", "without a name")]
    [InlineData("lcbench", "a b={model}", "--model: model name 'a b' may contain only letters, digits")]
    [InlineData("lcbench-extrapolation", "new@2={model}", "--model: model name 'new@2' may contain only letters, digits")]
    [InlineData("lcbench-extrapolation", "{model}|{model}", "without a name")]
    public async Task BadModelOption_ExitsTwoNamingIt(string benchmark, string models, string expected)
    {
        string[] modelArgs = [.. models.Split('|').SelectMany(m => new[] { "--model", m.Replace("{model}", _model, StringComparison.Ordinal) })];
        string[] settings = benchmark == "lcbench"
            ? ["--tasks", "7593", "--pool", "20", "--orderings", "1", "--policy", "lcpfn"]
            : ["--tasks", "7593", "--curves", "2"];

        var (code, output, error) = await RunAsync(["bench", benchmark, .. settings, .. modelArgs]);

        Assert.Equal(2, code);
        Assert.Contains(expected.Replace("{model}", _model, StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Extrapolation_Json_ThreeMethodsPerCutoff()
    {
        var (code, output, error) = await RunAsync("bench", "lcbench-extrapolation", "--tasks", "7593", "--curves", "5", "--cutoffs", "20,80", "--model", _model, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var overall = json.RootElement.GetProperty("overall").EnumerateArray().ToList();
        Assert.Equal(6, overall.Count);
        Assert.Equal(["lcpfn", "last-value", "power-law"], overall.Select(r => r.GetProperty("method").GetString()).Distinct());
        Assert.All(overall, r => Assert.Equal(5, r.GetProperty("curves").GetInt32()));
    }

    [Fact]
    public async Task Predictor_Json_LatenciesAndThroughput()
    {
        var (code, output, error) = await RunAsync("bench", "predictor", "--model", _model, "--repetitions", "1", "--warmup", "0", "--batch", "4", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var single = json.RootElement.GetProperty("single");
        Assert.True(single.GetProperty("p99Ms").GetDouble() >= single.GetProperty("p50Ms").GetDouble());
        Assert.Equal(46, single.GetProperty("samples").GetInt32());
        Assert.True(json.RootElement.GetProperty("batch").GetProperty("decisionsPerSecond").GetDouble() > 0);
        Assert.Equal("final", json.RootElement.GetProperty("horizon").GetString());
    }

    [Fact]
    public async Task Predictor_RemainingHorizon_TimesThatRule()
    {
        var (code, output, error) = await RunAsync("bench", "predictor", "--model", _model, "--repetitions", "1", "--warmup", "0", "--batch", "4", "--horizon", "remaining", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("remaining", json.RootElement.GetProperty("horizon").GetString());
    }

    [Fact]
    public async Task Predictor_UnknownHorizon_FailsNamingTheChoices()
    {
        var (code, output, error) = await RunAsync("bench", "predictor", "--model", _model, "--horizon", "last");

        Assert.NotEqual(0, code);
        Assert.Contains("'remaining'", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scheduler_SqliteWithLcPfn_EveryReportPersistedAndDecided()
    {
        string file = Path.Combine(TestTemp.Folder("hpo-bench-scheduler"), "bench.db");

        var (code, output, error) = await RunAsync("bench", "scheduler", "--db", file, "--migrate", "--workers", "4", "--reports", "120", "--epochs", "10", "--model", _model, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("Sqlite", root.GetProperty("provider").GetString());
        Assert.Equal("lcpfn", root.GetProperty("policy").GetString());
        Assert.Equal(120, root.GetProperty("reports").GetInt32());
        Assert.True(root.GetProperty("trials").GetInt32() >= 12);
        Assert.True(root.GetProperty("p99Milliseconds").GetDouble() >= root.GetProperty("p50Milliseconds").GetDouble());
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=false");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT (SELECT COUNT(*) FROM observations), (SELECT COUNT(*) FROM decisions)";
        await using var reader = await count.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(120L, reader.GetInt64(0));
        Assert.Equal(120L, reader.GetInt64(1));
    }

    [PostgresFact]
    public async Task Scheduler_Postgres_ReportsThroughputAndLatency()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();

        var (code, output, error) = await RunAsync("bench", "scheduler", "--db", db.ConnectionString, "--migrate", "--policy", "none", "--reports", "400", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("PostgreSql", json.RootElement.GetProperty("provider").GetString());
        Assert.True(json.RootElement.GetProperty("reportsPerSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task Scheduler_BadPolicy_ExitsTwoNamingIt()
    {
        var (code, _, error) = await RunAsync("bench", "scheduler", "--db", "unused.db", "--policy", "sometimes");

        Assert.Equal(2, code);
        Assert.Contains("--policy is 'sometimes'", error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Fleet_SmallRunOnPostgres_FiguresReadBackFromTheStoredRows()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();

        var (root, _) = await RunFleetAsync(db, "--trials", "6", "--workers", "1", "--concurrency", "3");
        Assert.Equal(6, root.GetProperty("trials").GetInt32());
        Assert.Equal(6 * 52, root.GetProperty("observations").GetInt64());
        Assert.Equal(10, root.GetProperty("decileReportsPerSecond").GetArrayLength());
        Assert.True(root.GetProperty("reportsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("decisionP99Milliseconds").GetDouble() >= root.GetProperty("decisionP50Milliseconds").GetDouble());
        Assert.Equal(0, root.GetProperty("decisionsWithModel").GetInt64());
        Assert.Equal(0, root.GetProperty("warmupTrials").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("warmupReportsPerSecond").ValueKind);
    }

    [PostgresFact]
    public async Task Fleet_WithWarmup_MeasuresOnlyTheSecondExperimentOnTheSameWorkers()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();

        var (root, error) = await RunFleetAsync(db, "--trials", "4", "--warmup-trials", "3", "--workers", "1", "--concurrency", "2");
        Assert.Equal(4, root.GetProperty("trials").GetInt32());
        Assert.Equal(4 * 52, root.GetProperty("observations").GetInt64());
        Assert.Equal(3, root.GetProperty("warmupTrials").GetInt32());
        Assert.True(root.GetProperty("warmupReportsPerSecond").GetDouble() > 0);
        Assert.Contains("warm-up bench-fleet-warmup-", error, StringComparison.Ordinal);

        // Both experiments ran to their end in the database, the warm-up first.
        await using var connection = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var select = new Npgsql.NpgsqlCommand(
            "SELECT e.name, e.status, COUNT(o.*) FROM experiments e JOIN trials t ON t.experiment_id = e.id JOIN observations o ON o.trial_id = t.id GROUP BY e.id, e.name, e.status ORDER BY e.id", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<(string Name, string Status, long Observations)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        Assert.Equal(2, rows.Count);
        Assert.StartsWith("bench-fleet-warmup-", rows[0].Name, StringComparison.Ordinal);
        Assert.Equal((3 * 52L, "Completed"), (rows[0].Observations, rows[0].Status));
        Assert.Equal(root.GetProperty("experiment").GetString(), rows[1].Name);
        Assert.Equal((4 * 52L, "Completed"), (rows[1].Observations, rows[1].Status));
    }

    [Theory]
    [InlineData("--workers", "0", "--workers is 0")]
    [InlineData("--trials", "0", "--trials is 0")]
    [InlineData("--warmup-trials", "-1", "--warmup-trials is -1")]
    [InlineData("--policy", "sometimes", "--policy")]
    public async Task Fleet_BadOption_ExitsTwoNamingIt(string option, string value, string expected)
    {
        var (code, _, error) = await RunAsync("bench", "fleet", "--db", "Host=127.0.0.1;Database=unused", option, value);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>A successful `hpo bench fleet --json` with policy none on the repository's surrogate; its JSON and progress.</summary>
    private static async Task<(JsonElement Root, string Error)> RunFleetAsync(PostgresTestDatabase db, params string[] options)
    {
        var (code, output, error) = await RunAsync(
            ["bench", "fleet", "--db", db.ConnectionString, "--migrate", .. options, "--policy", "none", "--surrogate", Path.Combine(RepoRoot(), "data", "yahpo-lcbench"), "--json"]);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        return (json.RootElement.Clone(), error);
    }

    /// <summary>A policy's row(s) in a report's <paramref name="section"/>, every figure but the label.</summary>
    private static string[] Figures(JsonDocument document, string section, string policy) =>
        [.. document.RootElement.GetProperty(section).EnumerateArray()
            .Where(r => r.GetProperty("policy").GetString() == policy)
            .Select(r => string.Join(" ", r.EnumerateObject().Where(p => p.Name != "policy").Select(p => $"{p.Name}={p.Value}")))];

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hpo.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Hpo.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>A 100-epoch model trained for two steps (LCBench curves have 52 epochs).</summary>
    public sealed class TinyModelFile : IAsyncLifetime
    {
        public string Path { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Path = System.IO.Path.Combine(TestTemp.Folder("hpo-cli-bench"), "tiny.lcpfn");
            var options = new LcPfnTrainingOptions
            {
                Architecture = new LcPfnArchitecture { EmbeddingSize = 32, Layers = 1, Heads = 1, Hidden = 64, Buckets = 50, MaxEpochs = 100 },
                Steps = 2,
                BatchSize = 8,
                BorderCurves = 100,
                Threads = 1,
            };
            using var model = await LcPfnTrainer.TrainAsync(options, Path);
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
