using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class MetricScaleTests
{
    [Fact]
    public void ToModel_NoBounds_ObservedRangeWidenedByHalf()
    {
        var scale = new MetricScale(new MetricSettings(MetricDirection.Maximize, 10), [2, 3, 4]);

        Assert.Equal(1, scale.Lower);
        Assert.Equal(5, scale.Upper);
        Assert.Equal(0.5, scale.ToModel(3));
    }

    [Fact]
    public void ToModel_LossWithLowerBoundOnly_UpperFromObservations()
    {
        var scale = new MetricScale(new MetricSettings(MetricDirection.Minimize, 10, LowerBound: 0), [0.5, 2.5]);

        Assert.Equal(0, scale.Lower);
        Assert.Equal(3.5, scale.Upper);
        Assert.Equal(1, scale.ToModel(0));
        Assert.Equal(0, scale.ToModel(3.5));
    }

    [Theory]
    [InlineData(MetricDirection.Maximize)]
    [InlineData(MetricDirection.Minimize)]
    public void FromModel_InvertsToModelInsideBounds(MetricDirection direction)
    {
        var scale = new MetricScale(new MetricSettings(direction, 10, -1, 3), []);

        foreach (double y in new[] { -1, 0, 0.7, 3 })
        {
            Assert.Equal(y, scale.FromModel(scale.ToModel(y)), 12);
        }
    }

    [Fact]
    public void ToModel_OutsideBounds_Clamped()
    {
        var scale = new MetricScale(new MetricSettings(MetricDirection.Maximize, 10, 0, 1), []);

        Assert.Equal(1, scale.ToModel(1.2));
        Assert.Equal(0, scale.ToModel(-0.2));
    }
}
