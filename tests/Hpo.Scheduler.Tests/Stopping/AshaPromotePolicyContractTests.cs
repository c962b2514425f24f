using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Asha;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class AshaPromotePolicyContractTests : PausingPolicyContract
{
    protected override string ExpectedName => "asha-promote";

    // It pauses instead of stopping: the clearly worse trial waits at its rung and is never promoted.
    protected override bool StopsClearlyWorseTrials => false;

    protected override int RungEpoch => 9;

    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new AshaPromoteStoppingPolicy();
}
