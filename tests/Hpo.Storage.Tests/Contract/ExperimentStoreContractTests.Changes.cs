using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>Reading only the observations committed since the last read, and binding an experiment to one model.</summary>
public abstract partial class ExperimentStoreContractTests
{
    [StoreFact]
    public async Task ReadObservationChangesAsync_ReadTwice_SecondReturnsOnlyNewRowsOfThatExperiment()
    {
        var (experiment, trial, lease) = await RunningTrialAsync();
        var (_, _, otherLease) = await RunningTrialAsync();
        await Store.RecordObservationsAsync(lease, [(1, 0.1), (2, 0.2)]);
        await Store.RecordObservationAsync(otherLease, 1, 0.9);

        var first = await Store.ReadObservationChangesAsync(experiment.Id);
        Harness.Time.Advance(TimeSpan.FromSeconds(1));
        DateTimeOffset recordedAt = Harness.Time.GetUtcNow();
        await Store.RecordObservationAsync(lease, 3, 0.3);
        await Store.RecordObservationAsync(otherLease, 2, 0.8);
        var second = await Store.ReadObservationChangesAsync(experiment.Id, first.Next);
        var third = await Store.ReadObservationChangesAsync(experiment.Id, second.Next);

        Assert.Equal([(1, 0.1), (2, 0.2)], first.Observations.Select(o => (o.Epoch, o.Value)));
        Assert.All(first.Observations, o => Assert.Equal((trial.Id, trial.Number), (o.TrialId, o.TrialNumber)));
        Assert.Equal([new ObservationChange(trial.Id, trial.Number, 3, 0.3, recordedAt)], second.Observations);
        Assert.Empty(third.Observations);
    }

    /// <summary>An experiment with a Stopped trial of 3 epochs, a Running one of 1 and a Pending one.</summary>
    private async Task<ExperimentRecord> ThreeTrialsInThreeStatusesAsync()
    {
        var (experiment, _, lease) = await RunningTrialAsync();
        await Store.RecordObservationsAsync(lease, [(1, 0.1), (2, 0.2), (3, 0.3)]);
        await Store.FinishTrialAsync(lease, TrialStatus.Stopped, "hopeless");
        var second = await Store.CreateTrialAsync(experiment.Id, Params());
        var secondLease = await Store.ClaimTrialAsync(second.Id, "w2", TimeSpan.FromMinutes(5));
        await Store.RecordObservationAsync(secondLease, 1, 0.4);
        await Store.CreateTrialAsync(experiment.Id, Params());
        return experiment;
    }

    [StoreFact]
    public async Task GetTrialSlotsAsync_TrialsInSeveralStatuses_CountsTrialsUnfinishedAndEpochsWhenAsked()
    {
        var experiment = await ThreeTrialsInThreeStatusesAsync();
        var empty = await Store.CreateExperimentAsync(Spec());

        Assert.Equal(new TrialSlots(3, 2, 4), await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: true));
        Assert.Equal(new TrialSlots(3, 2, null), await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false));
        Assert.Equal(new TrialSlots(0, 0, 0), await Store.GetTrialSlotsAsync(empty.Id, includeEpochs: true));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.GetTrialSlotsAsync(987654, includeEpochs: false));
    }

    [StoreFact]
    public async Task CountTrialsAsync_TrialsInSeveralStatuses_CountsAndEpochsPerStatus()
    {
        var experiment = await ThreeTrialsInThreeStatusesAsync();

        var counts = await Store.CountTrialsAsync(experiment.Id);

        Assert.Equal(
            [(TrialStatus.Pending, 1, 0L), (TrialStatus.Running, 1, 1L), (TrialStatus.Stopped, 1, 3L)],
            counts.Select(c => (c.Status, c.Trials, c.Epochs)).OrderBy(c => c.Status));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.CountTrialsAsync(987654));
    }

    [StoreFact]
    public async Task ReadObservationChangesAsync_UnknownExperiment_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => Store.ReadObservationChangesAsync(987654));
    }

    [StoreFact]
    public async Task BindDecisionModelAsync_SecondModel_ReturnsTheFirstAndKeepsIt()
    {
        var (experiment, _, _) = await RunningTrialAsync();
        string first = new('a', 64);
        string second = new('b', 64);

        Assert.Equal(first, await Store.BindDecisionModelAsync(experiment.Id, first));
        Assert.Equal(first, await Store.BindDecisionModelAsync(experiment.Id, second));
        Assert.Equal(first, await Store.BindDecisionModelAsync(experiment.Id, first));
    }

    [StoreFact]
    public async Task RecordDecisionAsync_WithModelHash_ReadsItBack()
    {
        var (_, trial, lease) = await RunningTrialAsync();
        await Store.RecordObservationAsync(lease, 1, 0.5);
        string sha = new('c', 64);
        var decision = new DecisionRecord(trial.Id, 1, DecisionAction.Continue, "lcpfn", 0.5, 0.6, 0.4, 0.8, "keep going", DateTimeOffset.UnixEpoch, sha);

        await Store.RecordDecisionAsync(lease, decision);

        Assert.Equal(sha, (await Store.GetDecisionsAsync(trial.Id)).Single().ModelSha256);
    }
}
