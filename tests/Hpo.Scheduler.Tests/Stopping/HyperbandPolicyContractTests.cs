using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Hyperband;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class HyperbandPolicyContractTests : StoppingPolicyContract
{
    protected override string ExpectedName => "hyperband";

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new HyperbandStoppingPolicy();
}
