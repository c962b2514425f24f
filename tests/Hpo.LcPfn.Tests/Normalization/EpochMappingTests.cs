using Hpo.LcPfn.Normalization;

namespace Hpo.LcPfn.Tests.Normalization;

public sealed class EpochMappingTests
{
    [Fact]
    public void ToModelQuery_ShortCurve_IsUnchanged()
    {
        var m = new EpochMapping(50);
        var q = m.ToModelQuery([0.1, 0.2, 0.3], [4, 50]);

        Assert.True(m.IsIdentity);
        Assert.Equal(new[] { 0.1, 0.2, 0.3 }, q.Observed);
        Assert.Equal(new[] { 4, 50 }, q.QueryEpochs);
    }

    [Fact]
    public void ToModelQuery_TwiceTheModelLength_TakesEverySecondEpoch()
    {
        var m = new EpochMapping(200);
        double[] observed = Enumerable.Range(1, 9).Select(e => e / 100.0).ToArray();

        var q = m.ToModelQuery(observed, [200, 100, 1]);

        Assert.Equal(new[] { 0.02, 0.04, 0.06, 0.08 }, q.Observed);
        Assert.Equal(new[] { 100, 50, 1 }, q.QueryEpochs);
        Assert.Equal(200, m.UserEpoch(100));
        Assert.Equal(2, m.UserEpoch(1));
    }

    [Fact]
    public void ModelEpoch_EveryUserEpoch_StaysInsideTheModelRange()
    {
        var m = new EpochMapping(333);
        for (int e = 1; e <= 333; e++)
        {
            Assert.InRange(m.ModelEpoch(e), 1, 100);
        }

        Assert.Equal(100, m.ModelEpoch(333));
    }

    [Fact]
    public void ToModelQuery_TooFewObservedForTheFirstModelEpoch_ThrowsSaying()
    {
        var m = new EpochMapping(1000);
        var ex = Assert.Throws<ArgumentException>(() => m.ToModelQuery([0.1, 0.2], [1000]));
        Assert.Contains("epoch 10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelEpoch_BeyondTheCurve_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpochMapping(150).ModelEpoch(151));
    }
}
