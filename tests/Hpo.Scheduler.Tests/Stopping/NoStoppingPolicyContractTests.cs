using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.None;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class NoStoppingPolicyContractTests : StoppingPolicyContract
{
    protected override string ExpectedName => "none";

    protected override int? ExpectedMinEpochs => int.MaxValue;

    protected override bool StopsClearlyWorseTrials => false;

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new NoStoppingPolicy();
}
