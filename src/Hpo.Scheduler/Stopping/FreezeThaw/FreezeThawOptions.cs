using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.FreezeThaw;

/// <summary>Settings of <see cref="FreezeThawStoppingPolicy"/>; the defaults are the ones measured best on LCBench (BENCHMARKS.md).</summary>
public sealed class FreezeThawOptions
{
    /// <summary>
    /// δ: a trial (running or paused) whose predicted P(y_T &gt; y_best) at the final epoch T falls below this is
    /// stopped for good, as the <c>lcpfn</c> policy does. Default 0.05, the LC-PFN paper's setting; in (0, 1).
    /// </summary>
    public double Delta { get; set; } = 0.05;

    /// <summary>The first epoch after which the δ rule may stop a trial. Default 2 (one point says nothing about a slope); at least 1.</summary>
    public int MinEpochs { get; set; } = 2;

    /// <summary>
    /// The epochs after which a running trial pauses, freeing its slot for the slot choice. Default 2, 4, 8, 16, 32;
    /// strictly increasing, each at least 1 (rungs at or beyond the final epoch never apply).
    /// </summary>
    public IReadOnlyList<int> Rungs { get; set; } = [2, 4, 8, 16, 32];

    /// <summary>
    /// How a free slot chooses between the best paused trial and a new configuration. Default
    /// <see cref="FreezeThawAcquisition.Population"/>, the best of the acquisitions measured on LCBench (Scheduler README).
    /// </summary>
    public FreezeThawAcquisition Acquisition { get; set; } = FreezeThawAcquisition.Population;

    /// <summary>
    /// <see cref="FreezeThawAcquisition.Threshold"/>: the P(y_T &gt; y_best) a paused trial needs to be resumed rather
    /// than a new configuration started. Default 0.05; in [<see cref="Delta"/>, 1).
    /// </summary>
    public double ResumeThreshold { get; set; } = 0.05;

    /// <summary>
    /// <see cref="FreezeThawAcquisition.Population"/> and <see cref="FreezeThawAcquisition.ExpectedImprovement"/>: how many
    /// times a new configuration's estimated value the best paused trial needs to be resumed. Default 1; in (0, 1000].
    /// </summary>
    public double PopulationFactor { get; set; } = 1;

    /// <summary>
    /// A budget-aware δ: the δ in force before any epoch is spent, falling linearly to <see cref="Delta"/> as the
    /// epochs of every trial together use up <see cref="BudgetEpochs"/> (a larger δ early stops more trials while a
    /// quick improvement matters most; the smaller δ late keeps the final result safe). Default null: δ is constant.
    /// In [<see cref="Delta"/>, 1); set together with <see cref="BudgetEpochs"/>.
    /// </summary>
    public double? StartDelta { get; set; }

    /// <summary>
    /// The experiment's epoch budget (its <c>maxTotalEpochs</c>) over which <see cref="StartDelta"/> falls to
    /// <see cref="Delta"/>; the policy cannot see the experiment's settings, so it is given here. Default null; at least 1;
    /// set together with <see cref="StartDelta"/>.
    /// </summary>
    public int? BudgetEpochs { get; set; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public FreezeThawOptions Validate()
    {
        if (!(Delta > 0 && Delta < 1))
        {
            throw new HpoValidationException($"Policy field 'delta' is {Delta.ToString(CultureInfo.InvariantCulture)}; it must be in (0, 1).");
        }

        if (MinEpochs < 1)
        {
            throw new HpoValidationException($"Policy field 'minEpochs' is {MinEpochs}; it must be at least 1.");
        }

        if (Rungs is null || Rungs.Count == 0)
        {
            throw new HpoValidationException("Policy field 'rungs' must list at least one epoch.");
        }

        for (int i = 0; i < Rungs.Count; i++)
        {
            if (Rungs[i] < 1)
            {
                throw new HpoValidationException($"Policy field 'rungs[{i}]' is {Rungs[i]}; it must be at least 1.");
            }

            if (i > 0 && Rungs[i] <= Rungs[i - 1])
            {
                throw new HpoValidationException($"Policy field 'rungs[{i}]' is {Rungs[i]}; the rungs must be strictly increasing (the previous is {Rungs[i - 1]}).");
            }
        }

        if (!Enum.IsDefined(Acquisition))
        {
            throw new HpoValidationException($"Policy field 'acquisition' is {(int)Acquisition}; it must be 'threshold', 'population' or 'ei'.");
        }

        if (!(ResumeThreshold >= Delta && ResumeThreshold < 1))
        {
            throw new HpoValidationException(string.Create(CultureInfo.InvariantCulture, $"Policy field 'resumeThreshold' is {ResumeThreshold}; it must be in [delta ({Delta}), 1)."));
        }

        if (!(PopulationFactor > 0 && PopulationFactor <= 1000))
        {
            throw new HpoValidationException($"Policy field 'populationFactor' is {PopulationFactor.ToString(CultureInfo.InvariantCulture)}; it must be in (0, 1000].");
        }

        if (StartDelta is { } start && !(start >= Delta && start < 1))
        {
            throw new HpoValidationException(string.Create(CultureInfo.InvariantCulture, $"Policy field 'startDelta' is {start}; it must be in [delta ({Delta}), 1)."));
        }

        if (BudgetEpochs is < 1)
        {
            throw new HpoValidationException($"Policy field 'budgetEpochs' is {BudgetEpochs}; it must be at least 1.");
        }

        if (StartDelta.HasValue != BudgetEpochs.HasValue)
        {
            throw new HpoValidationException($"Policy field '{(StartDelta.HasValue ? "budgetEpochs" : "startDelta")}' is missing; 'startDelta' and 'budgetEpochs' are set together (δ falls from startDelta to delta over budgetEpochs epochs).");
        }

        return this;
    }

    /// <summary>The δ in force once <paramref name="epochsSpent"/> epochs (every trial's together) are spent.</summary>
    public double DeltaAfter(long epochsSpent) =>
        StartDelta is { } start && BudgetEpochs is { } budget
            ? Delta + ((start - Delta) * Math.Max(0, 1 - ((double)epochsSpent / budget)))
            : Delta;
}
