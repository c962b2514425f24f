using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.Tabular;
using Hpo.Workloads.Tests.Tabular;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary><c>tabular-mlnet</c> on iris: L-BFGS maximum entropy, restored from its last fitted model.</summary>
public sealed class TabularMlNetMulticlassResumableTests : ResumableWorkloadContractTests
{
    protected override IResumableWorkload CreateWorkload() =>
        new TabularMlNetWorkload(new TabularDataOptions { DatasetPath = TabularFiles.Iris, Label = "species" });

    protected override TrialParameters Parameters => WorkloadTestHelpers.Parameters(("l1_regularization", 1e-4), ("l2_regularization", 1e-3), ("iterations_per_epoch", 1L));

    protected override TrialParameters OtherParameters => WorkloadTestHelpers.Parameters(("l1_regularization", 1e-4), ("l2_regularization", 1e-1), ("iterations_per_epoch", 1L));
}
