using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Asha;

/// <summary>
/// Asynchronous successive halving in its pausing form, as its paper defines it (Li et al., "A System for
/// Massively Parallel Hyperparameter Tuning", MLSys 2020, Algorithm 2): a trial pauses whenever it reaches a
/// rung (r_min·η^k epochs below the final epoch); at a free slot, going from the highest rung down, the
/// best paused trial that sits in the top ⌊n/η⌋ of the n trials ever recorded at its rung and has not been
/// promoted from it yet is resumed (promoted to the next rung); when no rung has one, a new configuration starts.
/// </summary>
/// <remarks>
/// Stateless like every policy: a trial has been promoted from rung r exactly when its curve is longer than
/// r epochs, so the curves alone say which trials are still waiting at each rung. The policy never stops a
/// trial; paused trials that are never promoted stay paused (the paper's "the bottom of each rung is never
/// resumed"). When no new configuration may start and nothing is promotable, the slot stays idle.
/// Shares the rung arithmetic (<see cref="AshaRungs"/>) with the stopping form <see cref="AshaStoppingPolicy"/>.
/// </remarks>
public sealed class AshaPromoteStoppingPolicy : IStoppingPolicy, ISlotPolicy
{
    private readonly AshaOptions _options;

    /// <summary>Creates the policy.</summary>
    /// <exception cref="HpoValidationException">The options are invalid.</exception>
    public AshaPromoteStoppingPolicy(AshaOptions? options = null)
    {
        _options = (options ?? new AshaOptions()).Validate();
    }

    /// <inheritdoc />
    public string Name => "asha-promote";

    /// <summary>The rungs for trials of <paramref name="maxEpochs"/> epochs.</summary>
    public AshaRungs RungsFor(int maxEpochs) => new(_options.Eta, _options.MinResource, maxEpochs);

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        var rungs = RungsFor(context.MaxEpochs);
        return reports.Select(r => rungs.IsRung(r.Epoch)
                ? StoppingDecision.Pause(string.Create(CultureInfo.InvariantCulture, $"rung {r.Epoch} reached: paused until promoted"))
                : StoppingDecision.Continue(string.Create(CultureInfo.InvariantCulture, $"epoch {r.Epoch} is not a rung")))
            .ToArray();
    }

    /// <inheritdoc />
    public SlotChoice ChooseSlot(StoppingContext context, IReadOnlyList<TrialCurve> paused, bool canStartNew, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(paused);
        var rungs = RungsFor(context.MaxEpochs);
        var metric = context.Metric;
        var bestFirst = Comparer<double>.Create((a, b) => metric.IsBetter(a, b) ? -1 : metric.IsBetter(b, a) ? 1 : 0);
        for (int k = rungs.Epochs.Count - 1; k >= 0; k--)
        {
            int epoch = rungs.Epochs[k];
            var waiting = paused.Where(p => p.Epoch == epoch).ToArray();
            if (waiting.Length == 0)
            {
                continue;
            }

            // The rung holds every trial that ever reached it, promoted ones included (their value there counts).
            var atRung = context.Curves.Where(c => c.Epoch >= epoch).Select(c => (c.TrialId, c.Number, Value: c.Values[epoch - 1]))
                .OrderBy(c => c.Value, bestFirst)
                .ThenBy(c => c.Number)
                .ToArray();
            int top = rungs.PromotionCount(atRung.Length);
            var waitingIds = waiting.Select(p => p.TrialId).ToHashSet();
            foreach (var candidate in atRung.Take(top))
            {
                if (waitingIds.Contains(candidate.TrialId))
                {
                    return SlotChoice.Resume(
                        candidate.TrialId,
                        string.Create(CultureInfo.InvariantCulture, $"promoted from rung {epoch}: value {candidate.Value:G4} in the top {top} of {atRung.Length}"));
                }
            }
        }

        return canStartNew
            ? SlotChoice.StartNew("no paused trial is promotable")
            : SlotChoice.Idle("no paused trial is promotable and no new configuration may start");
    }
}
