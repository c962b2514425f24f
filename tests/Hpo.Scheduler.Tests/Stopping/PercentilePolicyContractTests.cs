using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Percentile;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class PercentilePolicyContractTests : StoppingPolicyContract
{
    protected override string ExpectedName => "percentile";

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new PercentileStoppingPolicy(new PercentileOptions { Percentile = 25 });
}
