using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Scheduler.Tests.TestDoubles;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class LcPfnPolicyContractTests : StoppingPolicyContract
{
    protected override string ExpectedName => "lcpfn";

    protected override int? ExpectedMinEpochs => 2;

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new LcPfnStoppingPolicy(new ExtrapolatingCurvePredictor());
}
