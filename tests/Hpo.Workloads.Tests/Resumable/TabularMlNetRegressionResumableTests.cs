using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.Tabular;
using Hpo.Workloads.Tests.Tabular;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary>
/// <c>tabular-mlnet</c> regression on the wine data (alcohol): online gradient descent, whose epoch shuffles are seeded
/// by (seed, epoch), restored from its last fitted model.
/// </summary>
public sealed class TabularMlNetRegressionResumableTests : ResumableWorkloadContractTests
{
    protected override IResumableWorkload CreateWorkload() =>
        new TabularMlNetWorkload(new TabularDataOptions { DatasetPath = TabularFiles.Wine, Label = "alcohol" });

    protected override TrialParameters Parameters => WorkloadTestHelpers.Parameters(("learning_rate", 0.01), ("l2_regularization", 1e-4), ("iterations_per_epoch", 1L));

    protected override TrialParameters OtherParameters => WorkloadTestHelpers.Parameters(("learning_rate", 0.03), ("l2_regularization", 1e-4), ("iterations_per_epoch", 1L));
}
