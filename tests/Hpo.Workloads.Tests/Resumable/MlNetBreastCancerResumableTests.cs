using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.MlNet;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary>
/// ML.NET SGD logistic regression on breast cancer: the checkpoint is the last fitted model; each epoch's shuffling is
/// seeded by (seed, epoch), so the resumed epochs shuffle as the uninterrupted ones did and resuming is exact.
/// </summary>
public sealed class MlNetBreastCancerResumableTests : ResumableWorkloadContractTests
{
    protected override IResumableWorkload CreateWorkload() => new MlNetBreastCancerWorkload();

    protected override TrialParameters Parameters => WorkloadTestHelpers.Parameters(("learning_rate", 0.05), ("l2_regularization", 1e-6), ("iterations_per_epoch", 1L));

    protected override TrialParameters OtherParameters => WorkloadTestHelpers.Parameters(("learning_rate", 0.5), ("l2_regularization", 1e-6), ("iterations_per_epoch", 1L));

    protected override int Epochs => 6;
}
