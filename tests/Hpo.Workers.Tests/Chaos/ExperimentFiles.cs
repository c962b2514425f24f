using System.Text.Json.Nodes;
using Hpo.Workers.Tests.Fleet;

namespace Hpo.Workers.Tests.Chaos;

/// <summary>Writes experiment files for <c>hpo submit</c>.</summary>
internal static class ExperimentFiles
{
    public static string WriteLcBench(string name, int trials, int concurrency, string policyJson, int epochDelayMs)
    {
        var file = new JsonObject
        {
            ["name"] = name,
            ["workload"] = new JsonObject { ["type"] = "lcbench", ["surrogate"] = FleetHarness.Surrogate, ["task"] = "3945" },
            ["policy"] = JsonNode.Parse(policyJson),
            ["tuner"] = new JsonObject { ["type"] = "random" },
            ["budget"] = new JsonObject { ["maxTrials"] = trials, ["concurrency"] = concurrency, ["seed"] = 3 },
            ["epochDelayMs"] = epochDelayMs,
        };
        string path = Path.Combine(Path.GetTempPath(), $"hpo-{name}-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, file.ToJsonString());
        return path;
    }
}
