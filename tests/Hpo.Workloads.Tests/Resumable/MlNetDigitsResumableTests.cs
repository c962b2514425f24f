using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.MlNet;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary>
/// ML.NET L-BFGS maximum entropy on digits: the checkpoint is the last fitted model (<c>MLContext.Model.Save</c>), whose
/// weights the next warm-started <c>Fit</c> starts from; L-BFGS keeps nothing else between epochs, so resuming is exact.
/// </summary>
public sealed class MlNetDigitsResumableTests : ResumableWorkloadContractTests
{
    protected override IResumableWorkload CreateWorkload() => new MlNetDigitsWorkload();

    protected override TrialParameters Parameters => WorkloadTestHelpers.Parameters(("l1_regularization", 1e-3), ("l2_regularization", 1e-2), ("iterations_per_epoch", 2L));

    protected override TrialParameters OtherParameters => WorkloadTestHelpers.Parameters(("l1_regularization", 1.0), ("l2_regularization", 1e-2), ("iterations_per_epoch", 2L));
}
