using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.Threshold;

namespace Hpo.Scheduler.Tests.Stopping;

public sealed class ThresholdPolicyContractTests : StoppingPolicyContract
{
    protected override string ExpectedName => "threshold";

    // 0.5 accuracy after 5 epochs; mirrored, 0.5 loss.
    protected override IStoppingPolicy CreatePolicy(MetricDirection direction) => new ThresholdStoppingPolicy(new ThresholdOptions { Threshold = 0.5, MinEpochs = 5 });
}
