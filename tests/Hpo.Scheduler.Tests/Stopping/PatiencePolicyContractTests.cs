using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Patience;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class PatiencePolicyContractTests : StoppingPolicyContract
{
    protected override string ExpectedName => "patience";

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new PatienceStoppingPolicy(new PatienceOptions { K = 5 });
}
