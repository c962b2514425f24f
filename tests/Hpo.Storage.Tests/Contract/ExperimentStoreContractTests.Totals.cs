using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>The counts across every experiment that the dashboard's metrics show.</summary>
public abstract partial class ExperimentStoreContractTests
{
    [StoreFact]
    public async Task GetTotalsAsync_EmptyStore_EveryStatusAndActionZero()
    {
        var totals = await Store.GetTotalsAsync();

        Assert.All(Enum.GetValues<TrialStatus>(), s => Assert.Equal(0, totals.TrialsByStatus[s]));
        Assert.All(Enum.GetValues<DecisionAction>(), a => Assert.Equal(0, totals.DecisionsByAction[a]));
        Assert.Equal(0, totals.EpochsReported);
        Assert.Equal(0, totals.EpochsSaved);
    }

    [StoreFact]
    public async Task GetTotalsAsync_TwoExperiments_CountsTrialsEpochsDecisionsAndSavedEpochs()
    {
        // Experiment A (20 epochs): a trial stopped after 3 epochs, a running one with 2 epochs (its second not yet
        // decided), a pending one. Experiment B (10 epochs): a trial stopped after 4.
        var a = await Store.CreateExperimentAsync(Spec(maxEpochs: 20));
        var b = await Store.CreateExperimentAsync(Spec(maxEpochs: 10));
        await RunTrialAsync(a.Id, epochs: 3, stop: true);
        await RunTrialAsync(a.Id, epochs: 2, stop: false);
        await Store.CreateTrialAsync(a.Id, Params());
        await RunTrialAsync(b.Id, epochs: 4, stop: true);

        var totals = await Store.GetTotalsAsync();

        Assert.Equal(1, totals.TrialsByStatus[TrialStatus.Pending]);
        Assert.Equal(1, totals.TrialsByStatus[TrialStatus.Running]);
        Assert.Equal(2, totals.TrialsByStatus[TrialStatus.Stopped]);
        Assert.Equal(0, totals.TrialsByStatus[TrialStatus.Completed]);
        Assert.Equal(3 + 2 + 4, totals.EpochsReported);
        Assert.Equal(2 + 1 + 3, totals.DecisionsByAction[DecisionAction.Continue]);
        Assert.Equal(2, totals.DecisionsByAction[DecisionAction.Stop]);
        Assert.Equal((20 - 3) + (10 - 4), totals.EpochsSaved);
    }

    [StoreFact]
    public async Task CountTrialsAsync_MixedStatuses_CountsEachStatusOfThatExperimentOnly()
    {
        var a = await Store.CreateExperimentAsync(Spec(maxEpochs: 20));
        var b = await Store.CreateExperimentAsync(Spec(maxEpochs: 10));
        await RunTrialAsync(a.Id, epochs: 3, stop: true);
        await RunTrialAsync(a.Id, epochs: 2, stop: false);
        await Store.CreateTrialAsync(a.Id, Params());
        await Store.CreateTrialAsync(a.Id, Params());
        await RunTrialAsync(b.Id, epochs: 4, stop: true);

        var counts = await Store.CountTrialsAsync(a.Id);
        var empty = await Store.CountTrialsAsync((await Store.CreateExperimentAsync(Spec())).Id);

        Assert.Equal(2, counts.Single(c => c.Status == TrialStatus.Pending).Trials);
        Assert.Equal(1, counts.Single(c => c.Status == TrialStatus.Running).Trials);
        Assert.Equal(1, counts.Single(c => c.Status == TrialStatus.Stopped).Trials);
        Assert.Equal(4, counts.Sum(c => c.Trials));
        Assert.Equal(3 + 2, counts.Sum(c => c.Epochs));
        Assert.Empty(empty);
        await Assert.ThrowsAsync<NotFoundException>(() => Store.CountTrialsAsync(b.Id + 100));
    }

    /// <summary>Records <paramref name="epochs"/> epochs with a decision each; the last one stops the trial when <paramref name="stop"/>.</summary>
    private async Task RunTrialAsync(long experimentId, int epochs, bool stop)
    {
        var trial = await Store.CreateTrialAsync(experimentId, Params());
        var lease = await Store.ClaimTrialAsync(trial.Id, "worker-a", TimeSpan.FromMinutes(1));
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            await Store.RecordObservationAsync(lease, epoch, 0.1 * epoch);
            bool last = epoch == epochs;
            if (stop || !last)
            {
                await Store.RecordDecisionAsync(lease, Decision(trial.Id, epoch, stop && last ? DecisionAction.Stop : DecisionAction.Continue));
            }
        }

        if (stop)
        {
            await Store.FinishTrialAsync(lease, TrialStatus.Stopped, "stopped by the policy");
        }
    }
}
