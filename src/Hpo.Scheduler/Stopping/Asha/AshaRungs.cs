namespace Hpo.Scheduler.Stopping.Asha;

/// <summary>
/// The rung arithmetic of successive halving: rungs at r_min·η^k epochs below the final epoch (the
/// final epoch is no rung: the trial ends there anyway), and the promotion test.
/// </summary>
public sealed class AshaRungs
{
    /// <summary>Creates the rungs for trials of <paramref name="maxEpochs"/> epochs.</summary>
    public AshaRungs(int eta, int minResource, int maxEpochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(eta, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(minResource, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpochs, 1);
        Eta = eta;
        MinResource = minResource;
        var rungs = new List<int>();
        for (long r = minResource; r < maxEpochs; r *= eta)
        {
            rungs.Add((int)r);
        }

        Epochs = rungs;
    }

    /// <summary>η.</summary>
    public int Eta { get; }

    /// <summary>r_min.</summary>
    public int MinResource { get; }

    /// <summary>The rung epochs in increasing order (e.g. 1, 3, 9, 27 for η 3, r_min 1, 52 epochs).</summary>
    public IReadOnlyList<int> Epochs { get; }

    /// <summary>Whether <paramref name="epoch"/> is a rung.</summary>
    public bool IsRung(int epoch) => Epochs.Contains(epoch);

    /// <summary>
    /// How many of <paramref name="count"/> values recorded at a rung may continue: ⌊count/η⌋, but at
    /// least one, so that the first trials to reach a rung are not all stopped for lack of company
    /// (Optuna's SuccessiveHalvingPruner does the same).
    /// </summary>
    public int PromotableCount(int count) => Math.Max(1, count / Eta);

    /// <summary>
    /// How many of <paramref name="count"/> trials recorded at a rung are in its top 1/η for promotion in the
    /// pausing form (Li et al. 2020, Algorithm 2: ⌊count/η⌋, no minimum: a rung of fewer than η trials promotes none,
    /// and the free slot starts a new configuration instead).
    /// </summary>
    public int PromotionCount(int count) => count / Eta;
}
