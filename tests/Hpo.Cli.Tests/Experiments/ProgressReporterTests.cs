using Hpo.Cli.Experiments;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;

namespace Hpo.Cli.Tests.Experiments;

public sealed class ProgressReporterTests
{
    private static readonly ExperimentSpec Spec = new("e", "val_accuracy", MetricDirection.Maximize, 0, 1, 3, "{}", "{}", "{}");

    private static ExperimentProgress Snapshot(int running, int completed, int stopped, int failed, int? trial, DecisionRecord? decision = null, double seconds = 1) =>
        new(1, running, completed, stopped, failed, 0, 0.9, 1, TimeSpan.FromSeconds(seconds), decision, trial);

    private static DecisionRecord Decision(int epoch, DecisionAction action, double? probability = null) =>
        new(1, epoch, action, "lcpfn", probability, null, null, null, action == DecisionAction.Stop ? "P < delta" : null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Report_TrialsEndingInEveryWay_WritesOneLinePerTrialEnd()
    {
        var output = new StringWriter();
        var reporter = new ProgressReporter(Spec, maxTrials: 4, output);

        // Trial 1 trains all three epochs; trial 2 is stopped by the policy; trial 3 fails; trial 4 runs out of budget.
        reporter.Report(Snapshot(1, 0, 0, 0, 1));
        reporter.Report(Snapshot(2, 0, 0, 0, 2));
        reporter.Report(Snapshot(2, 0, 0, 0, 2, Decision(2, DecisionAction.Stop, 0.01)));
        reporter.Report(Snapshot(1, 0, 1, 0, 2));
        reporter.Report(Snapshot(1, 0, 1, 0, 1, Decision(3, DecisionAction.Continue)));
        reporter.Report(Snapshot(0, 1, 1, 0, 1));
        reporter.Report(Snapshot(1, 1, 1, 0, 3));
        reporter.Report(Snapshot(0, 1, 1, 1, 3));
        reporter.Report(Snapshot(1, 1, 1, 1, 4));
        reporter.Report(Snapshot(1, 1, 1, 1, 4, Decision(1, DecisionAction.Continue)));
        reporter.Report(Snapshot(0, 1, 2, 1, 4));

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            [
                "[ 0:01] trial 2 stopped at epoch 2 (P(beat best) 0.01)",
                "[ 0:01] trial 1 completed all 3 epochs",
                "[ 0:01] trial 3 failed ('hpo trials' shows the error)",
                "[ 0:01] trial 4 stopped: budget spent",
            ],
            lines);
    }

    [Fact]
    public async Task ShowWhileAsync_PlainOutput_ReturnsTheRunResult()
    {
        var output = new StringWriter();
        var reporter = new ProgressReporter(Spec, maxTrials: 4, output);

        int result = await reporter.ShowWhileAsync(null, Task.FromResult(42));

        Assert.Equal(42, result);
    }
}
