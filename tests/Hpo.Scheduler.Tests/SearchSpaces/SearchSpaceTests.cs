using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Scheduler.Tests.SearchSpaces;

public sealed class SearchSpaceTests
{
    private const string Json = """
        {
          "learning_rate": { "type": "float", "low": 0.0001, "high": 0.1, "log": true },
          "dropout": { "type": "float", "low": 0, "high": 0.5 },
          "units": { "type": "int", "low": 16, "high": 512, "log": true },
          "layers": { "type": "int", "low": 1, "high": 5 },
          "optimizer": { "type": "categorical", "choices": ["sgd", "adam"] },
          "task": { "type": "constant", "value": "3945" }
        }
        """;

    [Fact]
    public void FromJson_AllKinds_ParsesAndRoundTrips()
    {
        var space = SearchSpace.FromJson(Json);

        Assert.Equal(["learning_rate", "dropout", "units", "layers", "optimizer", "task"], space.Parameters.Select(p => p.Name));
        var lr = Assert.IsType<FloatParameter>(space["learning_rate"]);
        Assert.True(lr.Log);
        Assert.Equal(0.0001, lr.Low);
        var units = Assert.IsType<IntParameter>(space["units"]);
        Assert.Equal(512, units.High);
        Assert.Equal(["sgd", "adam"], Assert.IsType<CategoricalParameter>(space["optimizer"]).Choices);
        Assert.Equal("3945", Assert.IsType<ConstantParameter>(space["task"]).Value);
        Assert.Equal(space.ToJson(), SearchSpace.FromJson(space.ToJson()).ToJson());
    }

    [Theory]
    [InlineData("""{"lr":{"type":"float","low":1,"high":0}}""", "'lr'", "'low'")]
    [InlineData("""{"lr":{"type":"float","low":0,"high":1,"log":true}}""", "'lr'", "'low'")]
    [InlineData("""{"lr":{"type":"float","high":1}}""", "'lr'", "'low'")]
    [InlineData("""{"lr":{"type":"real","low":0,"high":1}}""", "'lr'", "'type'")]
    [InlineData("""{"lr":{"type":"float","low":0,"high":1,"lgo":true}}""", "'lr'", "'lgo'")]
    [InlineData("""{"n":{"type":"int","low":1.5,"high":3}}""", "'n'", "'low'")]
    [InlineData("""{"opt":{"type":"categorical","choices":[]}}""", "'opt'", "'choices'")]
    [InlineData("""{"opt":{"type":"categorical","choices":["a","a"]}}""", "'opt'", "'choices'")]
    [InlineData("""{"c":{"type":"constant"}}""", "'c'", "'value'")]
    [InlineData("""{"c":3}""", "'c'", "'type'")]
    public void FromJson_InvalidDimension_ThrowsNamingParameterAndField(string json, string parameter, string field)
    {
        var ex = Assert.Throws<HpoValidationException>(() => SearchSpace.FromJson(json));

        Assert.Contains(parameter, ex.Message, StringComparison.Ordinal);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    [InlineData("""{"a":{"type":"constant","value":1},"a":{"type":"constant","value":2}}""")]
    public void FromJson_NotAnObjectOfDimensions_Throws(string json)
    {
        Assert.Throws<HpoValidationException>(() => SearchSpace.FromJson(json));
    }

    [Fact]
    public void Sample_SameSeed_SameConfigurationsAllInsideTheSpace()
    {
        var space = SearchSpace.FromJson(Json);
        var a = Enumerable.Range(0, 200).ToArray();
        var r1 = new Random(7);
        var r2 = new Random(7);

        var first = a.Select(_ => space.Sample(r1).ToJson()).ToArray();
        var second = a.Select(_ => space.Sample(r2).ToJson()).ToArray();

        Assert.Equal(first, second);
        Assert.All(first, json => space.Validate(TrialParameters.FromJson(json)));
        Assert.True(first.Distinct().Count() > 190);
    }

    [Fact]
    public void Sample_LogFloat_MedianNearGeometricMean()
    {
        var dim = new FloatParameter("lr", 1e-4, 1e-1, log: true);
        var random = new Random(1);

        var values = Enumerable.Range(0, 4000).Select(_ => (double)dim.Sample(random)).Order().ToArray();

        // Log-uniform on [1e-4, 1e-1]: the median is 10^-2.5 ≈ 0.00316; a linear scale would put it near 0.05.
        Assert.InRange(values[2000], 0.0025, 0.004);
    }

    [Fact]
    public void Sample_Int_CoversBothEndsEvenly()
    {
        var dim = new IntParameter("layers", 1, 5);
        var random = new Random(3);

        var counts = Enumerable.Range(0, 5000).Select(_ => (long)dim.Sample(random)).GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal([1L, 2L, 3L, 4L, 5L], counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void Validate_MissingUnknownAndOutOfRange_NamesEachParameter()
    {
        var space = SearchSpace.FromJson(Json);
        var bad = TrialParameters.FromJson("""{"learning_rate":0.5,"dropout":0.1,"units":2.5,"layers":3,"optimizer":"rmsprop","extra":1}""");

        var ex = Assert.Throws<HpoValidationException>(() => space.Validate(bad));

        Assert.Contains("'learning_rate'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'units'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'optimizer'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'task' is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'extra' is not in the search space", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'dropout'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IntegralDoubleForIntParameter_Accepted()
    {
        var space = new SearchSpace([new IntParameter("n", 1, 5)]);

        Assert.Empty(space.FindErrors(new TrialParameters([new("n", 3.0)])));
    }

    [Fact]
    public void EnumerateGrid_ThreePointsPerNumeric_CartesianProductInFixedOrder()
    {
        var space = SearchSpace.FromJson("""
            {"lr":{"type":"float","low":0.001,"high":0.1,"log":true},"layers":{"type":"int","low":1,"high":2},"opt":{"type":"categorical","choices":["sgd","adam"]}}
            """);

        var grid = space.EnumerateGrid(3).ToArray();

        // lr: 3 points; layers: 3 points rounded to {1, 2} (1, 1.5 → 2, 2 deduplicated); opt: 2 choices.
        Assert.Equal(3 * 2 * 2, grid.Length);
        Assert.Equal(space.GridSize(3), grid.Length);
        Assert.Equal(grid.Length, grid.Select(g => g.ToJson()).Distinct().Count());
        Assert.Equal(0.01, grid[4].GetDouble("lr"), 12);
        Assert.Equal("sgd", grid[0].GetString("opt"));
        Assert.Equal("adam", grid[1].GetString("opt"));
        Assert.All(Enumerable.Range(0, grid.Length), i => Assert.Equal(grid[i].ToJson(), space.GridPoint(i, 3).ToJson()));
    }
}
