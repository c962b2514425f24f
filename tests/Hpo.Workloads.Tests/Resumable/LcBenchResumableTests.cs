using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;
using Hpo.Workloads.LcBench;
using Hpo.Workloads.Tests.TestDoubles;

namespace Hpo.Workloads.Tests.Resumable;

/// <summary>The LCBench surrogate: its checkpoint is its position; the surrogate is deterministic, so resuming is exact.</summary>
public sealed class LcBenchResumableTests : ResumableWorkloadContractTests
{
    protected override IResumableWorkload CreateWorkload() => new LcBenchWorkload(RepoPaths.LcBench, "3945");

    protected override TrialParameters Parameters => new(
    [
        new("batch_size", 64L), new("learning_rate", 0.01), new("momentum", 0.9), new("weight_decay", 0.001),
        new("num_layers", 3L), new("max_units", 256L), new("max_dropout", 0.2),
    ]);

    protected override TrialParameters OtherParameters => new(
    [
        new("batch_size", 128L), new("learning_rate", 0.001), new("momentum", 0.5), new("weight_decay", 0.01),
        new("num_layers", 2L), new("max_units", 64L), new("max_dropout", 0.5),
    ]);

    protected override int PauseAfter => 8;

    protected override int Epochs => 52;
}
