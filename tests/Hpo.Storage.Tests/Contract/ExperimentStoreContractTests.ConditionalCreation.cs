using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>The fleet's lock-free slot fill: trial n is created only while the experiment has n - 1 trials and a free slot.</summary>
public abstract partial class ExperimentStoreContractTests
{
    [StoreFact]
    public async Task TryCreateTrialAsync_NextNumberAndAFreeSlot_CreatesThatNumber()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        await Store.CreateTrialAsync(experiment.Id, Params());

        var trial = await Store.TryCreateTrialAsync(experiment.Id, 2, maxUnfinished: 2, Params(lr: 0.2));

        Assert.NotNull(trial);
        Assert.Equal(2, trial.Number);
        Assert.Equal(TrialStatus.Pending, trial.Status);
        AssertJsonEqual(Params(lr: 0.2), trial.ParametersJson);
        Assert.Equal(new TrialSlots(2, 2, null), await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false));
    }

    [StoreFact]
    public async Task TryCreateTrialAsync_NumberAlreadyTaken_ReturnsNullAndWritesNothing()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        await Store.CreateTrialAsync(experiment.Id, Params());
        await Store.CreateTrialAsync(experiment.Id, Params());
        string before = await Harness.SnapshotAsync();

        Assert.Null(await Store.TryCreateTrialAsync(experiment.Id, 2, maxUnfinished: 10, Params()));
        Assert.Null(await Store.TryCreateTrialAsync(experiment.Id, 4, maxUnfinished: 10, Params()));

        Assert.Equal(before, await Harness.SnapshotAsync());
        Assert.Equal(3, (await Store.TryCreateTrialAsync(experiment.Id, 3, maxUnfinished: 10, Params()))?.Number);
    }

    [StoreFact]
    public async Task TryCreateTrialAsync_EverySlotTaken_ReturnsNullUntilOneEnds()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        var first = await Store.CreateTrialAsync(experiment.Id, Params());
        var second = await Store.CreateTrialAsync(experiment.Id, Params());
        await Store.ClaimTrialAsync(second.Id, "worker-a", TimeSpan.FromMinutes(1));

        // Pending and Running trials both hold a slot.
        Assert.Null(await Store.TryCreateTrialAsync(experiment.Id, 3, maxUnfinished: 2, Params()));
        var lease = await Store.ClaimTrialAsync(first.Id, "worker-b", TimeSpan.FromMinutes(1));
        await Store.FinishTrialAsync(lease, TrialStatus.Stopped);

        Assert.Equal(3, (await Store.TryCreateTrialAsync(experiment.Id, 3, maxUnfinished: 2, Params()))?.Number);
        Assert.Null(await Store.TryCreateTrialAsync(experiment.Id, 4, maxUnfinished: 2, Params()));
    }

    [StoreFact]
    public async Task TryCreateTrialAsync_EndedOrMissingExperimentOrBadArguments_ThrowsNamingTheProblem()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        await Store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Cancelled);
        string before = await Harness.SnapshotAsync();

        var ended = await Assert.ThrowsAsync<TrialStateException>(() => Store.TryCreateTrialAsync(experiment.Id, 1, 4, Params()));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.TryCreateTrialAsync(999_999, 1, 4, Params()));
        var number = await Assert.ThrowsAsync<HpoValidationException>(() => Store.TryCreateTrialAsync(experiment.Id, 0, 4, Params()));
        var slots = await Assert.ThrowsAsync<HpoValidationException>(() => Store.TryCreateTrialAsync(experiment.Id, 1, 0, Params()));
        var parameters = await Assert.ThrowsAsync<HpoValidationException>(() => Store.TryCreateTrialAsync(experiment.Id, 1, 4, """{"lr": "fast"}"""));

        Assert.Contains("Cancelled", ended.Message, StringComparison.Ordinal);
        Assert.Contains("'number'", number.Message, StringComparison.Ordinal);
        Assert.Contains("'maxUnfinished'", slots.Message, StringComparison.Ordinal);
        Assert.Contains("lr", parameters.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task TryCreateTrialAsync_EightCreatorsRacing_DenseNumbersEachWithTheProposalForItsNumber()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        const int Trials = 30;

        // Each creator proposes for the number it read (lr = number / 1000) and reads again when it loses.
        var creators = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var slots = await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false);
                if (slots.Trials >= Trials)
                {
                    return;
                }

                int number = slots.Trials + 1;
                await Store.TryCreateTrialAsync(experiment.Id, number, maxUnfinished: 1000, Params(lr: number / 1000.0));
            }
        }));
        await Task.WhenAll(creators);

        var trials = (await Store.ListTrialsAsync(experiment.Id, 1, 100)).Items;
        Assert.Equal(Enumerable.Range(1, Trials), trials.Select(t => t.Number).Order());
        foreach (var trial in trials)
        {
            AssertJsonEqual(Params(lr: trial.Number / 1000.0), trial.ParametersJson);
        }
    }

    [StoreFact]
    public async Task TryCreateTrialAsync_EightCreatorsForThreeSlots_CreatesExactlyThree()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());

        // Every creator keeps trying until it wins a slot or finds every slot taken: the limit holds however they interleave.
        var creators = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var slots = await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false);
                if (slots.Unfinished >= 3)
                {
                    return false;
                }

                if (await Store.TryCreateTrialAsync(experiment.Id, slots.Trials + 1, maxUnfinished: 3, Params()) is not null)
                {
                    return true;
                }
            }
        }));
        var won = await Task.WhenAll(creators);

        Assert.Equal(3, won.Count(w => w));
        Assert.Equal(new TrialSlots(3, 3, null), await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false));
        Assert.Equal(3, (await Store.ListTrialsAsync(experiment.Id, 1, 100)).TotalCount);
    }

    [StoreFact]
    public async Task FindRunnerJobTrialAsync_TrialsCreatedForAJob_FindsItsNewestUnfinishedOneInThatExperimentOnly()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        var own = await Store.CreateTrialAsync(experiment.Id, Params());
        var older = await Store.TryCreateTrialAsync(experiment.Id, 2, maxUnfinished: 5, Params(), runnerJob: "17");
        var newer = await Store.TryCreateTrialAsync(experiment.Id, 3, maxUnfinished: 5, Params(), runnerJob: "17");
        await Store.TryCreateTrialAsync(experiment.Id, 4, maxUnfinished: 5, Params(), runnerJob: "18");
        var elsewhere = await Store.CreateExperimentAsync(Spec());
        var foreign = await Store.CreateTrialAsync(elsewhere.Id, Params());
        await Store.TryCreateTrialAsync(elsewhere.Id, 2, maxUnfinished: 5, Params(), runnerJob: "17");

        Assert.Equal(newer!.Id, await Store.FindRunnerJobTrialAsync(own.Id, "17"));
        var lease = await Store.ClaimTrialAsync(newer.Id, "w", TimeSpan.FromMinutes(1));
        Assert.Equal(newer.Id, await Store.FindRunnerJobTrialAsync(own.Id, "17"));
        await Store.FinishTrialAsync(lease, TrialStatus.Completed);
        Assert.Equal(older!.Id, await Store.FindRunnerJobTrialAsync(own.Id, "17"));
        Assert.Null(await Store.FindRunnerJobTrialAsync(own.Id, "19"));
        Assert.NotEqual(older.Id, await Store.FindRunnerJobTrialAsync(foreign.Id, "17"));
    }

    [StoreFact]
    public async Task TryCreateTrialAsync_RunnerJobEmptyOrTooLong_ValidationErrorNamesTheFieldAndWritesNothing()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        string before = await Harness.SnapshotAsync();

        foreach (string job in new[] { "", " ", new string('7', 101) })
        {
            var error = await Assert.ThrowsAsync<HpoValidationException>(() => Store.TryCreateTrialAsync(experiment.Id, 1, 4, Params(), runnerJob: job));
            Assert.Contains("runnerJob", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await Harness.SnapshotAsync());
    }
}
