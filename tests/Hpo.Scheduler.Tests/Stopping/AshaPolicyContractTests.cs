using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Asha;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class AshaPolicyContractTests : StoppingPolicyContract
{
    protected override string ExpectedName => "asha";

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new AshaStoppingPolicy();
}
