using Hpo.Scheduler.Workloads;
using Hpo.Workloads;
using System.Text.Json.Nodes;
using Hpo.Scheduler.Experiments.Files;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Workloads.Tests.TestDoubles;
using Hpo.Workloads.Digits;

namespace Hpo.Workloads.Tests.Experiments.Files;

public sealed class ExperimentFileTests
{
    private static readonly WorkloadRegistry Registry = BuiltInWorkloads.CreateRegistry();

    private const string Valid = """
        {
          // comments and trailing commas are allowed
          "name": "digits",
          "workload": { "type": "digits-mlp", "threads": 1 },
          "metric": { "name": "val_accuracy", "direction": "maximize", "lowerBound": 0, "upperBound": 1 },
          "maxEpochs": 12,
          "searchSpace": {
            "learning_rate": { "type": "float", "low": 0.001, "high": 0.1, "log": true },
            "width": { "type": "int", "low": 16, "high": 64 },
          },
          "tuner": { "type": "random", "seed": 5 },
          "policy": { "type": "asha", "eta": 3 },
          "budget": { "maxTrials": 7, "maxTotalEpochs": 50, "maxWallTimeSeconds": 90 },
          "concurrency": 3,
          "seed": 11,
          "leaseSeconds": 4,
        }
        """;

    [Fact]
    public void Parse_ValidFile_BuildsSpecAndOptions()
    {
        var definition = ExperimentFile.Parse(Valid, Registry);

        var spec = definition.Spec;
        Assert.Equal("digits", spec.Name);
        Assert.Equal("val_accuracy", spec.MetricName);
        Assert.Equal(MetricDirection.Maximize, spec.Direction);
        Assert.Equal(0, spec.MetricLowerBound);
        Assert.Equal(1, spec.MetricUpperBound);
        Assert.Equal(12, spec.MaxEpochs);
        Assert.Equal(["learning_rate", "width"], SearchSpace.FromJson(spec.SearchSpaceJson).Parameters.Select(p => p.Name).Order());
        Assert.Equal("""{"type":"random","seed":5}""", spec.TunerJson);
        Assert.Equal("""{"type":"asha","eta":3}""", spec.PolicyJson);
        Assert.Equal(7, definition.Options.MaxTrials);
        Assert.Equal(50, definition.Options.MaxTotalEpochs);
        Assert.Equal(TimeSpan.FromSeconds(90), definition.Options.MaxWallTime);
        Assert.Equal(3, definition.Options.Concurrency);
        Assert.Equal(11, definition.Options.Seed);
        Assert.Equal(TimeSpan.FromSeconds(4), definition.Options.LeaseDuration);
        Assert.Equal("digits-mlp", definition.WorkloadType);
        Assert.Equal(1, JsonNode.Parse(definition.WorkloadSettingsJson)!["threads"]!.GetValue<int>());
        Assert.False(definition.NeedsPredictor);
    }

    [Fact]
    public void Parse_OptionalFieldsOmitted_TakesDefaults()
    {
        var definition = ExperimentFile.Parse("""
            {"name":"d","workload":"digits-mlp","metric":{"name":"val_accuracy","direction":"maximize"},"maxEpochs":8}
            """, Registry);

        Assert.Equal(StoppingPolicyFactory.DefaultPolicyJson, definition.Spec.PolicyJson);
        Assert.True(definition.NeedsPredictor);
        Assert.Equal(ExperimentFile.DefaultTunerJson, definition.Spec.TunerJson);
        Assert.Null(definition.Spec.MetricLowerBound);
        Assert.Equal(1, definition.Options.Concurrency);
        Assert.Equal(0, definition.Options.Seed);
        Assert.Null(definition.Options.MaxTotalEpochs);
        Assert.Equal(TimeSpan.FromSeconds(ExperimentFile.DefaultLeaseSeconds), definition.Options.LeaseDuration);

        // The default space is the workload's, with its 'epochs' constant set to this experiment's budget.
        var space = JsonNode.Parse(definition.Spec.SearchSpaceJson)!.AsObject();
        var expected = JsonNode.Parse(DigitsMlpWorkload.DefaultSearchSpaceJson)!.AsObject();
        Assert.Equal(expected.Select(p => p.Key).Order(), space.Select(p => p.Key).Order());
        Assert.Equal(8, space["epochs"]!["value"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"policy":{"type":"lcpfn","delta":1.5}}""", "$.policy.delta", "(0, 1]")]
    [InlineData("""{"policy":{"type":"lcpfn","gamma":1}}""", "$.policy.gamma", "not known")]
    [InlineData("""{"policy":{"type":"nope"}}""", "$.policy.type", "expected lcpfn")]
    [InlineData("""{"policy":"lcpfn"}""", "$.policy", "must be an object")]
    [InlineData("""{"tuner":{"type":"grid","pointsPerNumeric":0}}""", "$.tuner.pointsPerNumeric", "")]
    [InlineData("""{"colour":"blue"}""", "$.colour", "unknown field")]
    [InlineData("""{"name":null}""", "$.name", "required field is missing")]
    [InlineData("""{"name":""}""", "$.name", "must not be empty")]
    [InlineData("""{"maxEpochs":0}""", "$.maxEpochs", "[1, 100000]")]
    [InlineData("""{"maxEpochs":2.5}""", "$.maxEpochs", "must be an integer")]
    [InlineData("""{"metric":{"name":"val_accuracy"}}""", "$.metric.direction", "required field is missing")]
    [InlineData("""{"metric":{"name":"val_accuracy","direction":"up"}}""", "$.metric.direction", "'maximize' or 'minimize'")]
    [InlineData("""{"metric":{"name":"val_accuracy","direction":"maximize","lowerBound":1,"upperBound":0}}""", "$.metric.upperBound", "greater than lowerBound")]
    [InlineData("""{"metric":{"name":"val_accuracy","direction":"maximize","unit":"%"}}""", "$.metric.unit", "unknown field")]
    [InlineData("""{"workload":{"type":"resnet"}}""", "$.workload.type", "known workloads: ")]
    [InlineData("""{"workload":42}""", "$.workload", "must be an object")]
    [InlineData("""{"searchSpace":"mine"}""", "$.searchSpace", "\"default\" or an object")]
    [InlineData("""{"searchSpace":{"lr":{"type":"float","low":1,"high":0.1}}}""", "$.searchSpace.lr", "")]
    [InlineData("""{"searchSpace":{"lr":{"type":"float","low":0.1,"high":1,"step":2}}}""", "$.searchSpace.lr.step", "")]
    [InlineData("""{"budget":{"maxTrials":0}}""", "$.budget.maxTrials", "[1, 1000000]")]
    [InlineData("""{"budget":{"maxTotalEpochs":"lots"}}""", "$.budget.maxTotalEpochs", "must be an integer")]
    [InlineData("""{"budget":{"trials":3}}""", "$.budget.trials", "unknown field")]
    [InlineData("""{"concurrency":0}""", "$.concurrency", "[1, 1024]")]
    [InlineData("""{"leaseSeconds":0}""", "$.leaseSeconds", "[1, 86400]")]
    public void Parse_BadField_ErrorNamesItsJsonPath(string change, string path, string fragment)
    {
        var file = JsonNode.Parse(Valid, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(change)!.AsObject())
        {
            file[key] = value?.DeepClone();
        }

        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse(file.ToJsonString(), Registry));

        Assert.Equal(path, ex.JsonPath);
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("workload")]
    [InlineData("metric")]
    [InlineData("maxEpochs")]
    public void Parse_RequiredFieldMissing_NamesIt(string field)
    {
        var file = JsonNode.Parse(Valid, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        file.Remove(field);

        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse(file.ToJsonString(), Registry));

        Assert.Equal($"$.{field}: required field is missing", ex.Message);
    }

    [Fact]
    public void Parse_MalformedJson_ReportsLine()
    {
        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse("{\n  \"name\": \"x\",\n  \"maxEpochs\": ,\n}", Registry));

        Assert.StartsWith("$", ex.JsonPath, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateField_IsRejected()
    {
        Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse("""{"name":"a","name":"b"}""", Registry));
    }

    [Fact]
    public void CreateWorkload_BadWorkloadSetting_ErrorNamesTheSetting()
    {
        var definition = ExperimentFile.Parse(Valid.Replace("\"threads\": 1", "\"threads\": 1, \"colour\": 2", StringComparison.Ordinal), Registry);

        var ex = Assert.Throws<ExperimentFileException>(() => definition.CreateWorkload(Registry));

        Assert.Equal("$.workload.colour", ex.JsonPath);
    }

    [Fact]
    public void CreateWorkload_MetricTheWorkloadDoesNotReport_ErrorNamesMetricName()
    {
        var definition = ExperimentFile.Parse(Valid.Replace("\"name\": \"val_accuracy\"", "\"name\": \"val_loss\"", StringComparison.Ordinal), Registry);

        var ex = Assert.Throws<ExperimentFileException>(() => definition.CreateWorkload(Registry));

        Assert.Equal("$.metric.name", ex.JsonPath);
        Assert.Contains("reports 'val_accuracy'", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateWorkload_WrongDirection_ErrorNamesDirection()
    {
        var definition = ExperimentFile.Parse(Valid.Replace("\"maximize\"", "\"minimize\"", StringComparison.Ordinal), Registry);

        var ex = Assert.Throws<ExperimentFileException>(() => definition.CreateWorkload(Registry));

        Assert.Equal("$.metric.direction", ex.JsonPath);
    }

    [Fact]
    public void FromSpec_ParsedDefinition_GivesTheSameOptionsAndWorkload()
    {
        var definition = ExperimentFile.Parse(Valid, Registry);

        var again = ExperimentDefinition.FromSpec(definition.Spec);

        Assert.Equal(definition.Spec, again.Spec);
        Assert.Equal(definition.Options.ToSettingsJson().ToJsonString(), again.Options.ToSettingsJson().ToJsonString());
        Assert.Equal(definition.WorkloadSettingsJson, again.WorkloadSettingsJson);
    }

    [Fact]
    public void ToFileJson_ParsedBack_GivesTheSameSpec()
    {
        var definition = ExperimentFile.Parse(Valid, Registry);

        var again = ExperimentFile.Parse(definition.ToFileJson().ToJsonString(), Registry);

        Assert.Equal(definition.Spec, again.Spec);
    }

    [Fact]
    public void FromSpec_SpecWithoutWorkload_ExplainsWhy()
    {
        var spec = new ExperimentSpec("x", "val_accuracy", MetricDirection.Maximize, 0, 1, 5, """{"a":{"type":"constant","value":1}}""", "{}", "{}", """{"maxTrials":3}""");

        var ex = Assert.Throws<HpoValidationException>(() => ExperimentDefinition.FromSpec(spec));

        Assert.Contains("no workload", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => ExperimentFile.LoadAsync("/nonexistent/experiment.json", Registry));
    }

    [Theory]
    [InlineData("digits-mlp.json", "digits-mlp")]
    [InlineData("mlnet-digits.json", "mlnet-digits")]
    [InlineData("lcbench-3945.json", "lcbench")]
    public async Task LoadAsync_ShippedExamples_AreValid(string file, string workload)
    {
        var definition = await ExperimentFile.LoadAsync(Path.Combine(RepoPaths.Root, "examples", file), Registry);

        Assert.Equal(workload, definition.WorkloadType);
        Assert.True(definition.NeedsPredictor);
    }
}
