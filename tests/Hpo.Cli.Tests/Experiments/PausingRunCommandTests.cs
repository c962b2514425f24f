using System.CommandLine;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Tuning;
using Hpo.Storage.Configuration;
using Hpo.Workloads.LcBench;
using Hpo.Workloads.MlNet;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Cli.Tests.Experiments;

/// <summary>
/// <c>hpo run</c> with a pausing policy, on SQLite: ASHA with promotion on the LCBench surrogate, and freeze-thaw on an
/// ML.NET warm-start workload (resumed from its checkpoint, the last fitted model).
/// </summary>
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
    public async Task Run_FreezeThawOnMlNetBreastCancer_PausedTrialsResumeTheUninterruptedCurveWithoutGapsOrRepeats()
    {
        // The default freeze-thaw policy with the shipped LC-PFN: it pauses at epochs 2 and 4 (its first rungs).
        string file = Write("freeze-thaw-mlnet", """{ "type": "mlnet-breast-cancer" }""", 6, """{"type":"freeze-thaw"}""", trials: 6, searchSpace: "\"default\"");
        string model = Path.Combine(LcBenchPath, "..", "..", "models", "lcpfn-default.lcpfn");

        var (code, output, error) = await RunAsync("run", file, "--db", Db, "--model", model, "--json");

        Assert.True(code == 0, error);
        Assert.Equal("Completed", JsonNode.Parse(output)!["status"]!.GetValue<string>());
        var services = new ServiceCollection().AddHpoStorage(o => o.Connection = Db).BuildServiceProvider();
        await using (services)
        {
            var store = services.GetRequiredService<IExperimentStore>();
            var experiment = (await store.FindExperimentAsync("freeze-thaw-mlnet"))!;
            var trials = (await store.ListTrialsAsync(experiment.Id)).Items;
            var curves = await store.GetCurvesAsync(trials.Select(t => t.Id).ToArray());
            var workload = new MlNetBreastCancerWorkload();
            int resumed = 0;
            foreach (var trial in trials)
            {
                Assert.True(trial.Status is TrialStatus.Completed or TrialStatus.Stopped, $"trial {trial.Number} is {trial.Status}");
                var curve = curves[trial.Id];
                Assert.Equal(Enumerable.Range(1, curve.Count), curve.Select(o => o.Epoch));

                // The same configuration and trial seed trained without a pause, epoch after epoch.
                await using var uninterrupted = await workload.StartAsync(TrialParameters.FromJson(trial.ParametersJson), SeedMixer.Mix(5, trial.Number));
                var expected = new List<double>();
                for (int epoch = 1; epoch <= curve.Count; epoch++)
                {
                    expected.Add(await uninterrupted.TrainEpochAsync(epoch));
                }

                Assert.Equal(expected, curve.Select(o => o.Value));
                var decisions = await store.GetDecisionsAsync(trial.Id);
                Assert.Equal(curve.Count, decisions.Count);
                if (decisions.Any(d => d.Action == DecisionAction.Pause && d.Epoch < curve.Count))
                {
                    resumed++;
                }
            }

            Assert.True(resumed >= 1, "freeze-thaw resumed no paused trial.");
        }
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
