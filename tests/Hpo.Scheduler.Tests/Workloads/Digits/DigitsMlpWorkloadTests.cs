using System.Diagnostics;
using Hpo.Scheduler.Workloads.Digits;
using Xunit.Abstractions;
using static Hpo.Scheduler.Tests.Workloads.WorkloadTestHelpers;

namespace Hpo.Scheduler.Tests.Workloads.Digits;

[Collection(TorchCollection.Name)]
public sealed class DigitsMlpWorkloadTests(ITestOutputHelper output)
{
    private static readonly DigitsMlpWorkload Workload = new();

    private static readonly Hpo.Scheduler.SearchSpaces.TrialParameters Sane = Parameters(
        ("learning_rate", 1e-3), ("optimizer", "adamw"), ("batch_size", 32L), ("width", 128L), ("depth", 1L), ("dropout", 0.1), ("weight_decay", 1e-4));

    [Fact]
    public async Task TrainEpochAsync_SaneConfiguration_ExceedsNinetyPercentWithinTwentyEpochs()
    {
        var stopwatch = Stopwatch.StartNew();
        double[] curve = await CurveAsync(Workload, Sane, seed: 1, epochs: 20);
        output.WriteLine($"{stopwatch.Elapsed.TotalSeconds / 20:F3} s/epoch; curve {string.Join(' ', curve.Select(a => a.ToString("F3")))}");

        Assert.All(curve, a => Assert.InRange(a, 0, 1));
        Assert.True(curve.Max() > 0.9, $"best validation accuracy {curve.Max():F3}");
    }
}
