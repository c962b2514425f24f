using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Tests.Persistence;

public sealed class TrialRecordTests
{
    [Theory]
    [InlineData(TrialStatus.Pending, false)]
    [InlineData(TrialStatus.Running, false)]
    [InlineData(TrialStatus.Completed, true)]
    [InlineData(TrialStatus.Stopped, true)]
    [InlineData(TrialStatus.Failed, true)]
    public void IsTerminal_ByStatus_TrueOnlyForEndedTrials(TrialStatus status, bool expected)
    {
        var trial = new TrialRecord(1, 1, 1, "{}", status, 0, null, null, null, DateTimeOffset.UnixEpoch, null, null, 0, null, null, null, null);
        Assert.Equal(expected, trial.IsTerminal);
    }
}
