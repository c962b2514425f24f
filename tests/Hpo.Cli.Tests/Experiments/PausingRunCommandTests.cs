using System.CommandLine;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Storage.Configuration;
using Hpo.Workloads.LcBench;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Cli.Tests.Experiments;

/// <summary><c>hpo run</c> with a pausing policy: ASHA with promotion on the LCBench surrogate, on SQLite.</summary>
public sealed class PausingRunCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hpo-cli-pausing").FullName;

    private string Db => Path.Combine(_folder, "hpo.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Run_AshaPromoteOnLcBench_PausedTrialsResumeTheirSurrogateCurvesWithoutGapsOrRepeats()
    {
        string file = Write("asha-promote-e2e", """{ "type": "lcbench", "surrogate": "{{SURROGATE}}", "task": "3945" }""", 52, """{"type":"asha-promote","eta":3,"minResource":4}""", trials: 9);

        var (code, output, error) = await RunAsync("run", file, "--db", Db, "--json");

        Assert.True(code == 0, error);
        var summary = JsonNode.Parse(output)!;
        Assert.Equal("Completed", summary["status"]!.GetValue<string>());
        Assert.Equal(9, summary["trials"]!.GetValue<int>());

        var services = new ServiceCollection().AddHpoStorage(o => o.Connection = Db).BuildServiceProvider();
        await using (services)
        {
            var store = services.GetRequiredService<IExperimentStore>();
            var experiment = (await store.FindExperimentAsync("asha-promote-e2e"))!;
            var trials = (await store.ListTrialsAsync(experiment.Id)).Items;
            Assert.All(trials, t => Assert.True(t.Status is TrialStatus.Completed or TrialStatus.Stopped, $"trial {t.Number} is {t.Status}"));
            var curves = await store.GetCurvesAsync(trials.Select(t => t.Id).ToArray());
            using var surrogate = new LcBenchWorkload(LcBenchPath, "3945");
            var expected = surrogate.PredictCurves(trials.Select(t => TrialParameters.FromJson(t.ParametersJson)).ToArray());
            int resumed = 0;
            for (int i = 0; i < trials.Count; i++)
            {
                var curve = curves[trials[i].Id];
                Assert.Equal(Enumerable.Range(1, curve.Count), curve.Select(o => o.Epoch));
                Assert.Equal(expected[i][..curve.Count], curve.Select(o => o.Value).ToArray());
                var decisions = await store.GetDecisionsAsync(trials[i].Id);
                Assert.Equal(curve.Count, decisions.Count);
                if (decisions.Any(d => d.Action == DecisionAction.Pause && d.Epoch < curve.Count))
                {
                    resumed++;
                }
            }

            Assert.True(resumed >= 1, "asha-promote resumed no paused trial.");
        }
    }

    [Fact]
    public async Task Run_PausingPolicyWithWorkloadThatCannotResume_ExitsTwoNamingWorkloadAndPolicy()
    {
        string file = Write("not-resumable", """{ "type": "mlnet-breast-cancer" }""", 4, """{"type":"asha-promote","eta":3,"minResource":1}""", trials: 2, searchSpace: "\"default\"");

        var (code, _, error) = await RunAsync("run", file, "--db", Db);

        Assert.Equal(2, code);
        Assert.Contains("'mlnet-breast-cancer'", error, StringComparison.Ordinal);
        Assert.Contains("'asha-promote'", error, StringComparison.Ordinal);
    }

    private static string LcBenchPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Hpo.sln")))
                {
                    return Path.Combine(dir.FullName, "data", "yahpo-lcbench");
                }
            }

            throw new InvalidOperationException($"No Hpo.sln above {AppContext.BaseDirectory}.");
        }
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private string Write(string name, string workload, int epochs, string policy, int trials, string? searchSpace = null)
    {
        if (searchSpace is null)
        {
            // The LCBench search space of the shipped example file.
            string example = File.ReadAllText(Path.Combine(LcBenchPath, "..", "..", "examples", "lcbench-3945.json"));
            var options = new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true };
            searchSpace = JsonNode.Parse(example, documentOptions: options)!["searchSpace"]!.ToJsonString();
        }

        string path = Path.Combine(_folder, name + ".json");
        File.WriteAllText(path, $$"""
            {
              "name": "{{name}}",
              "workload": {{workload.Replace("{{SURROGATE}}", LcBenchPath.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal)}},
              "metric": { "name": "val_accuracy", "direction": "maximize", "lowerBound": 0, "upperBound": 1 },
              "maxEpochs": {{epochs}},
              "searchSpace": {{searchSpace}},
              "policy": {{policy}},
              "budget": { "maxTrials": {{trials}} },
              "concurrency": 2,
              "seed": 5
            }
            """);
        return path;
    }
}
