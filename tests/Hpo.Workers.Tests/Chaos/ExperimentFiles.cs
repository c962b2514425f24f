using System.Text.Json.Nodes;
using Hpo.Workloads.LcBench;
using Hpo.Workers.Tests.Fleet;

namespace Hpo.Workers.Tests.Chaos;

/// <summary>Writes experiment files (the shared <c>hpo run</c> / <c>hpo submit</c> format) for the chaos tests.</summary>
internal static class ExperimentFiles
{
    public static string WriteLcBench(string name, int trials, int concurrency, string policyJson)
    {
        using var workload = new LcBenchWorkload(FleetHarness.Surrogate, "3945");
        var file = new JsonObject
        {
            ["name"] = name,
            ["workload"] = new JsonObject { ["type"] = "lcbench", ["surrogate"] = FleetHarness.Surrogate, ["task"] = "3945" },
            ["metric"] = new JsonObject { ["name"] = "val_accuracy", ["direction"] = "maximize", ["lowerBound"] = 0, ["upperBound"] = 1 },
            ["maxEpochs"] = 52,
            ["searchSpace"] = JsonNode.Parse(workload.SearchSpace.ToJson()),
            ["policy"] = JsonNode.Parse(policyJson),
            ["tuner"] = new JsonObject { ["type"] = "random" },
            ["budget"] = new JsonObject { ["maxTrials"] = trials },
            ["concurrency"] = concurrency,
            ["seed"] = 3,
        };
        string path = Path.Combine(Path.GetTempPath(), $"hpo-{name}-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, file.ToJsonString());
        return path;
    }
}
