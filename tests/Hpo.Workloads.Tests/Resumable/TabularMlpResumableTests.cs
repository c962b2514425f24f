using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.Tabular;
using Hpo.Workloads.Tests.Tabular;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary>
/// <c>tabular-mlp</c> on iris: the digits MLP's checkpoint (weights, AdamW state, generator) on one libtorch thread, so
/// resuming is exact.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TabularMlpResumableTests : ResumableWorkloadContractTests
{
    protected override IResumableWorkload CreateWorkload() =>
        new TabularMlpWorkload(new TabularDataOptions { DatasetPath = TabularFiles.Iris, Label = "species" });

    protected override TrialParameters Parameters => WorkloadTestHelpers.Parameters(("learning_rate", 1e-2), ("batch_size", 32L), ("width", 32L), ("depth", 2L), ("dropout", 0.2), ("weight_decay", 1e-4));

    protected override TrialParameters OtherParameters => WorkloadTestHelpers.Parameters(("learning_rate", 3e-3), ("batch_size", 32L), ("width", 16L), ("depth", 1L), ("dropout", 0.0), ("weight_decay", 1e-4));
}
