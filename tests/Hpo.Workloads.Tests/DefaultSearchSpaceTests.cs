using Hpo.Workloads;
using System.Text.Json;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;

namespace Hpo.Workloads.Tests;

// The digits MLP builds a torch model on start, so these run in the torch collection.
[Collection(TorchCollection.Name)]
public sealed class DefaultSearchSpaceTests
{
    // LCBench has no built-in default space: its space is read from the surrogate's config_space.json
    // (covered by the LCBench tests).
    public static TheoryData<string> Types => [.. BuiltInWorkloads.CreateRegistry().Types.Where(t => BuiltInWorkloads.CreateRegistry().GetDefaultSearchSpace(t) is not null)];

    [Theory]
    [MemberData(nameof(Types))]
    public void DefaultSearchSpace_EveryEntry_FollowsTheSearchSpaceForm(string type)
    {
        using var document = JsonDocument.Parse(BuiltInWorkloads.CreateRegistry().GetDefaultSearchSpace(type)!);

        foreach (var entry in document.RootElement.EnumerateObject())
        {
            var spec = entry.Value;
            switch (spec.GetProperty("type").GetString())
            {
                case "float":
                case "int":
                    double low = spec.GetProperty("low").GetDouble();
                    double high = spec.GetProperty("high").GetDouble();
                    Assert.True(low < high, $"{type}.{entry.Name}: low {low} >= high {high}");
                    if (spec.TryGetProperty("log", out var log) && log.GetBoolean())
                    {
                        Assert.True(low > 0, $"{type}.{entry.Name}: log scale needs low > 0");
                    }

                    break;
                case "categorical":
                    Assert.NotEmpty(spec.GetProperty("choices").EnumerateArray());
                    break;
                case "constant":
                    Assert.Equal(JsonValueKind.Number, spec.GetProperty("value").ValueKind);
                    break;
                default:
                    Assert.Fail($"{type}.{entry.Name}: unknown type {spec.GetProperty("type")}");
                    break;
            }
        }

        Assert.Equal(20, document.RootElement.GetProperty("epochs").GetProperty("value").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task DefaultSearchSpace_LowAndHighCorners_AreAcceptedByTheWorkload(string type)
    {
        var registry = BuiltInWorkloads.CreateRegistry();
        var workload = registry.Create(SettingsFor(type));
        using var document = JsonDocument.Parse(registry.GetDefaultSearchSpace(type)!);

        foreach (bool high in new[] { false, true })
        {
            var values = document.RootElement.EnumerateObject().Select(e => new KeyValuePair<string, object>(e.Name, Corner(e.Value, high)));
            await using var run = await workload.StartAsync(new TrialParameters(values), seed: 1);
            Assert.InRange(await run.TrainEpochAsync(1), 0, 1);
        }
    }

    // The tabular workloads have no shipped dataset: they get the header-row iris file.
    private static string SettingsFor(string type) => type.StartsWith("tabular-", StringComparison.Ordinal)
        ? $$"""{"type":"{{type}}","dataset":{{JsonSerializer.Serialize(Tabular.TabularFiles.Iris)}},"label":"species"}"""
        : type;

    private static object Corner(JsonElement spec, bool high) => spec.GetProperty("type").GetString() switch
    {
        "float" => spec.GetProperty(high ? "high" : "low").GetDouble(),
        "int" => (long)spec.GetProperty(high ? "high" : "low").GetDouble(),
        "categorical" => spec.GetProperty("choices").EnumerateArray().Select(c => c.GetString()!).ToArray() is var choices ? choices[high ? ^1 : 0] : "",
        _ => spec.GetProperty("value").GetInt64(),
    };
}
