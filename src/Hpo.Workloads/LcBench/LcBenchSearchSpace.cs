using System.Text.Json;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.LcBench;

/// <summary>The LCBench search space, read from the surrogate folder's config_space.json (ConfigSpace JSON).</summary>
public static class LcBenchSearchSpace
{
    /// <summary>
    /// The space of config_space.json without <c>OpenML_task_id</c> (fixed per workload) and <c>epoch</c>
    /// (the fidelity): uniform_int and uniform_float dimensions with their bounds and log flags as given
    /// (batch_size, learning_rate and max_units on a log scale).
    /// </summary>
    /// <exception cref="HpoValidationException">The file has a dimension of another kind.</exception>
    public static SearchSpace Load(string dataFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataFolder, "config_space.json")));
        var dims = new List<ParameterSpec>();
        foreach (var hp in doc.RootElement.GetProperty("hyperparameters").EnumerateArray())
        {
            string name = hp.GetProperty("name").GetString()!;
            if (name is "OpenML_task_id" or "epoch")
            {
                continue;
            }

            bool log = hp.TryGetProperty("log", out var l) && l.GetBoolean();
            dims.Add(hp.GetProperty("type").GetString() switch
            {
                "uniform_int" => new IntParameter(name, hp.GetProperty("lower").GetInt64(), hp.GetProperty("upper").GetInt64(), log),
                "uniform_float" => new FloatParameter(name, hp.GetProperty("lower").GetDouble(), hp.GetProperty("upper").GetDouble(), log),
                var other => throw new HpoValidationException($"config_space.json: parameter '{name}' has unsupported type '{other}'."),
            });
        }

        return new SearchSpace(dims);
    }
}
