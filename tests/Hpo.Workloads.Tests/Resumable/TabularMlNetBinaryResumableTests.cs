using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.Tabular;
using Hpo.Workloads.Tests.Tabular;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary><c>tabular-mlnet</c> on a binary CSV: L-BFGS logistic regression, restored from its last fitted (calibrated) model.</summary>
public sealed class TabularMlNetBinaryResumableTests : ResumableWorkloadContractTests
{
    private static readonly Lazy<string> File = new(() => TabularFiles.Binary(300));

    protected override IResumableWorkload CreateWorkload() =>
        new TabularMlNetWorkload(new TabularDataOptions { DatasetPath = File.Value, Label = "label", Ignore = ["id"] });

    protected override TrialParameters Parameters => WorkloadTestHelpers.Parameters(("l1_regularization", 1e-4), ("l2_regularization", 1e-3), ("iterations_per_epoch", 1L));

    protected override TrialParameters OtherParameters => WorkloadTestHelpers.Parameters(("l1_regularization", 1e-2), ("l2_regularization", 1e-3), ("iterations_per_epoch", 1L));
}
