using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.Digits;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary>
/// The digits MLP: weights, AdamW state and the generator (shuffles, dropout) are restored, and each run trains on one
/// libtorch thread, so the resumed epochs equal the uninterrupted ones exactly.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class DigitsMlpResumableTests : ResumableWorkloadContractTests
{
    protected override IResumableWorkload CreateWorkload() => new DigitsMlpWorkload();

    protected override TrialParameters Parameters => WorkloadTestHelpers.Parameters(
        ("learning_rate", 1e-3), ("optimizer", "adamw"), ("batch_size", 64L), ("width", 64L), ("depth", 2L), ("dropout", 0.2), ("weight_decay", 1e-4));

    protected override TrialParameters OtherParameters => WorkloadTestHelpers.Parameters(
        ("learning_rate", 0.05), ("optimizer", "sgd"), ("batch_size", 64L), ("width", 32L), ("depth", 1L), ("dropout", 0.0), ("momentum", 0.9));
}
