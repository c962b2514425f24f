using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Tuning;

namespace Hpo.Scheduler.Tests.Tuning;

public sealed class TunerTests
{
    private static readonly SearchSpace Space = SearchSpace.FromJson("""
        {"lr":{"type":"float","low":0.001,"high":0.1,"log":true},"layers":{"type":"int","low":1,"high":3},"opt":{"type":"categorical","choices":["sgd","adam"]}}
        """);

    [Fact]
    public void RandomPropose_SameSeedAndTrial_SameConfiguration()
    {
        var a = new RandomSearchTuner(Space, 42);
        var b = new RandomSearchTuner(Space, 42);

        var first = Enumerable.Range(1, 20).Select(i => a.Propose(new TrialSettings { TrialId = i }).ToJson()).ToArray();

        // Asking in another order (as a resumed experiment would) changes nothing.
        var second = Enumerable.Range(1, 20).Reverse().Select(i => b.Propose(new TrialSettings { TrialId = i }).ToJson()).Reverse().ToArray();
        Assert.Equal(first, second);
        Assert.Equal(20, first.Distinct().Count());
        Assert.All(first, j => Space.Validate(TrialParameters.FromJson(j)));
    }

    [Fact]
    public void RandomPropose_OtherSeed_OtherConfigurations()
    {
        var a = new RandomSearchTuner(Space, 1).Propose(new TrialSettings { TrialId = 1 });
        var b = new RandomSearchTuner(Space, 2).Propose(new TrialSettings { TrialId = 1 });

        Assert.NotEqual(a.ToJson(), b.ToJson());
    }

    [Fact]
    public void RandomUpdate_KeepsLowestLoss()
    {
        var tuner = new RandomSearchTuner(Space, 0);

        tuner.Update(new TrialResult { Loss = -0.7, Metric = 0.7 });
        tuner.Update(new TrialResult { Loss = -0.9, Metric = 0.9 });
        tuner.Update(new TrialResult { Loss = -0.8, Metric = 0.8 });

        Assert.Equal(0.9, tuner.Best!.Metric);
    }

    [Fact]
    public void GridPropose_WholeGrid_EveryPointOnce()
    {
        var tuner = new GridSearchTuner(Space, pointsPerNumeric: 3, seed: 5);

        var proposals = Enumerable.Range(1, (int)tuner.Capacity).Select(i => tuner.Propose(new TrialSettings { TrialId = i }).ToJson()).ToArray();

        Assert.Equal(3 * 3 * 2, tuner.Capacity);
        Assert.Equal(Space.EnumerateGrid(3).Select(p => p.ToJson()).Order(StringComparer.Ordinal), proposals.Order(StringComparer.Ordinal));
        Assert.Throws<InvalidOperationException>(() => tuner.Propose(new TrialSettings { TrialId = (int)tuner.Capacity + 1 }));
    }

    [Fact]
    public void GridPropose_Shuffled_SeedDeterminesOrder()
    {
        string[] Order(int seed) => Enumerable.Range(1, 18).Select(i => new GridSearchTuner(Space, 3, seed).Propose(new TrialSettings { TrialId = i }).ToJson()).ToArray();

        Assert.Equal(Order(9), Order(9));
        Assert.NotEqual(Order(9), Order(10));
    }

    [Fact]
    public void GridUpdate_CountsDistinctPoints()
    {
        var tuner = new GridSearchTuner(Space, 3, 0);
        var p = tuner.Propose(new TrialSettings { TrialId = 1 });

        tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = 1, Parameter = p } });
        tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = 1, Parameter = p } });

        Assert.Equal(1, tuner.EvaluatedCount);
    }

    [Theory]
    [InlineData("""{"type":"random","seed":3}""", typeof(RandomSearchTuner))]
    [InlineData("""{"type":"grid","pointsPerNumeric":2}""", typeof(GridSearchTuner))]
    public void Create_KnownType_BuildsTuner(string json, Type expected)
    {
        Assert.IsType(expected, new TunerFactory().Create(json, Space));
    }

    [Theory]
    [InlineData("""{"type":"bayes"}""", "'type'")]
    [InlineData("""{"seed":3}""", "'type'")]
    [InlineData("""{"type":"random","seed":"x"}""", "'seed'")]
    [InlineData("""{"type":"grid","pointsPerNumeric":0}""", "'pointsPerNumeric'")]
    [InlineData("""{"type":"grid","points":3}""", "'points'")]
    [InlineData("""{"type":"grid","pointsPerNumeric":1001}""", "'pointsPerNumeric'")]
    public void Create_BadSettings_ThrowsNamingField(string json, string field)
    {
        var ex = Assert.Throws<HpoValidationException>(() => new TunerFactory().Create(json, Space));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }
}
