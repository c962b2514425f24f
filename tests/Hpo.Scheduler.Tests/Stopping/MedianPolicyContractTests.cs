using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Percentile;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class MedianPolicyContractTests : StoppingPolicyContract
{
    protected override string ExpectedName => "median";

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => PercentileStoppingPolicy.Median();
}
