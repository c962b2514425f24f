using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.FreezeThaw;
using Hpo.Scheduler.Tests.TestDoubles;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class FreezeThawPolicyContractTests : PausingPolicyContract
{
    protected override string ExpectedName => "freeze-thaw";

    protected override int RungEpoch => 8;

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new FreezeThawStoppingPolicy(new ExtrapolatingCurvePredictor());
}
