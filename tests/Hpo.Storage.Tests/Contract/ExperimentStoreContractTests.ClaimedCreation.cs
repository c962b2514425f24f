using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>
/// A fleet slot's creation of the trial it runs itself: the next number, picked from a window of proposals, created and
/// claimed in one write.
/// </summary>
public abstract partial class ExperimentStoreContractTests
{
    private static readonly TimeSpan SlotLease = TimeSpan.FromMinutes(1);

    [StoreFact]
    public async Task TryCreateClaimedTrialAsync_CountInTheWindow_CreatesTheNextNumberWithItsProposalClaimed()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        await Store.CreateTrialAsync(experiment.Id, Params());
        await Store.CreateTrialAsync(experiment.Id, Params());

        // The window starts at 2: trial 3 takes the second proposal.
        var made = await Store.TryCreateClaimedTrialAsync(experiment.Id, 2, [Params(lr: 0.02), Params(lr: 0.03), Params(lr: 0.04)], maxUnfinished: 5, "17", "worker-a", SlotLease);

        Assert.NotNull(made);
        var trial = made.Trial;
        Assert.Equal(3, trial.Number);
        AssertJsonEqual(Params(lr: 0.03), trial.ParametersJson);
        Assert.Equal(TrialStatus.Running, trial.Status);
        Assert.Equal(1, trial.Attempt);
        Assert.Equal("worker-a", trial.WorkerId);
        Assert.Equal(made.Lease.Token, trial.LeaseToken);
        Assert.NotNull(trial.StartedAt);
        Assert.Equal(new TrialLease(trial.Id, made.Lease.Token, 1, "worker-a", 0), made.Lease);
        Assert.Equal(trial, await Store.GetTrialAsync(trial.Id));
        Assert.Equal(trial.Id, await Store.FindRunnerJobTrialAsync(trial.Id, "17"));

        // Held by a live lease like any claimed trial, and the lease is the trial's: its writes are accepted.
        await Assert.ThrowsAsync<TrialStateException>(() => Store.ClaimTrialAsync(trial.Id, "worker-b", SlotLease));
        await Store.HeartbeatAsync(made.Lease);
        Assert.True(await Store.TryRecordEpochAsync(made.Lease, 1, 0.5, StoreHarness.Start, Decision(trial.Id, 1)));
        await Store.FinishTrialAsync(made.Lease, TrialStatus.Completed);
        Assert.Equal(TrialStatus.Completed, (await Store.GetTrialAsync(trial.Id))!.Status);
    }

    [StoreFact]
    public async Task TryCreateClaimedTrialAsync_CountOutsideTheWindowOrNoFreeSlot_ReturnsNullAndWritesNothing()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        await Store.CreateTrialAsync(experiment.Id, Params());
        await Store.CreateTrialAsync(experiment.Id, Params());
        string before = await Harness.SnapshotAsync();

        // The next number is 3: a window that ends before it, or starts after it, creates nothing; neither do two slots.
        Assert.Null(await Store.TryCreateClaimedTrialAsync(experiment.Id, 1, [Params(), Params()], maxUnfinished: 10, null, "w", SlotLease));
        Assert.Null(await Store.TryCreateClaimedTrialAsync(experiment.Id, 4, [Params(), Params()], maxUnfinished: 10, null, "w", SlotLease));
        Assert.Null(await Store.TryCreateClaimedTrialAsync(experiment.Id, 3, [Params()], maxUnfinished: 2, null, "w", SlotLease));

        Assert.Equal(before, await Harness.SnapshotAsync());
        Assert.Equal(3, (await Store.TryCreateClaimedTrialAsync(experiment.Id, 3, [Params()], maxUnfinished: 3, null, "w", SlotLease))?.Trial.Number);
    }

    [StoreFact]
    public async Task TryCreateClaimedTrialAsync_EndedOrMissingExperimentOrBadArguments_ThrowsNamingTheProblemAndWritesNothing()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        var open = await Store.CreateExperimentAsync(Spec());
        await Store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Cancelled);
        string before = await Harness.SnapshotAsync();

        var ended = await Assert.ThrowsAsync<TrialStateException>(() => Store.TryCreateClaimedTrialAsync(experiment.Id, 1, [Params()], 4, null, "w", SlotLease));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.TryCreateClaimedTrialAsync(999_999, 1, [Params()], 4, null, "w", SlotLease));
        Assert.Contains("Cancelled", ended.Message, StringComparison.Ordinal);
        var invalid = new (string Field, Func<Task> Call)[]
        {
            ("'firstNumber'", () => Store.TryCreateClaimedTrialAsync(open.Id, 0, [Params()], 4, null, "w", SlotLease)),
            ("'maxUnfinished'", () => Store.TryCreateClaimedTrialAsync(open.Id, 1, [Params()], 0, null, "w", SlotLease)),
            ("'proposals'", () => Store.TryCreateClaimedTrialAsync(open.Id, 1, [], 4, null, "w", SlotLease)),
            ("'proposals'", () => Store.TryCreateClaimedTrialAsync(open.Id, 1, Enumerable.Repeat(Params(), 65).ToArray(), 4, null, "w", SlotLease)),
            // A proposal the window would not pick is refused too: the whole window must be the tuner's.
            ("lr", () => Store.TryCreateClaimedTrialAsync(open.Id, 1, [Params(), """{"lr": "fast"}"""], 4, null, "w", SlotLease)),
            ("runnerJob", () => Store.TryCreateClaimedTrialAsync(open.Id, 1, [Params()], 4, "", "w", SlotLease)),
            ("workerId", () => Store.TryCreateClaimedTrialAsync(open.Id, 1, [Params()], 4, null, "", SlotLease)),
            ("leaseDuration", () => Store.TryCreateClaimedTrialAsync(open.Id, 1, [Params()], 4, null, "w", TimeSpan.Zero)),
        };
        foreach (var (field, call) in invalid)
        {
            var error = await Assert.ThrowsAsync<HpoValidationException>(call);
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task TryCreateClaimedTrialAsync_EightCreatorsWithStaleCounts_DenseNumbersEachWithTheProposalForItsNumber()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        const int Trials = 40;

        // Each creator starts its window of 4 at the count it saw last (its own creation, or a read after a refusal),
        // proposing lr = number / 1000, as a fleet slot does.
        var creators = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            int known = 0;
            int created = 0;
            while (known < Trials)
            {
                var proposals = Enumerable.Range(known + 1, Math.Min(4, Trials - known)).Select(n => Params(lr: n / 1000.0)).ToArray();
                if (await Store.TryCreateClaimedTrialAsync(experiment.Id, known + 1, proposals, maxUnfinished: 1000, null, $"w{i}", SlotLease) is { } made)
                {
                    Assert.Equal($"w{i}", made.Trial.WorkerId);
                    known = made.Trial.Number;
                    created++;
                }
                else
                {
                    known = (await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false)).Trials;
                }
            }

            return created;
        }));
        var counts = await Task.WhenAll(creators);

        Assert.Equal(Trials, counts.Sum());
        var trials = (await Store.ListTrialsAsync(experiment.Id, 1, 100)).Items;
        Assert.Equal(Enumerable.Range(1, Trials), trials.Select(t => t.Number).Order());
        foreach (var trial in trials)
        {
            Assert.Equal(TrialStatus.Running, trial.Status);
            AssertJsonEqual(Params(lr: trial.Number / 1000.0), trial.ParametersJson);
        }
    }

    [StoreFact]
    public async Task TryCreateClaimedTrialAsync_EightCreatorsForThreeSlots_CreatesExactlyThree()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());

        var creators = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            while (true)
            {
                var slots = await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false);
                if (slots.Unfinished >= 3)
                {
                    return false;
                }

                if (await Store.TryCreateClaimedTrialAsync(experiment.Id, slots.Trials + 1, [Params(), Params()], maxUnfinished: 3, null, $"w{i}", SlotLease) is not null)
                {
                    return true;
                }
            }
        }));
        var won = await Task.WhenAll(creators);

        Assert.Equal(3, won.Count(w => w));
        Assert.Equal(new TrialSlots(3, 3, null), await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false));
    }
}
