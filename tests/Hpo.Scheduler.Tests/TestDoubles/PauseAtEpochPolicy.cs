using Hpo.Scheduler.Stopping;

namespace Hpo.Scheduler.Tests.TestDoubles;

/// <summary>
/// A small deterministic pausing policy for the runtime's tests (the real ones, freeze-thaw and asha-promote, are
/// tested on their own): every trial pauses once, after epoch <c>pauseAt</c>; a free slot starts new configurations
/// while it may, then resumes the paused trials in trial-number order; a paused trial whose last value is worse than
/// <c>stopBelow</c> (maximising) is stopped for good instead.
/// </summary>
internal sealed class PauseAtEpochPolicy(int pauseAt, double stopBelow = double.NegativeInfinity) : IStoppingPolicy, ISlotPolicy
{
    public string Name => "test-pause";

    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default) =>
        reports.Select(r => r.Values.Count == pauseAt ? StoppingDecision.Pause($"pause after epoch {pauseAt}") : StoppingDecision.Continue("go on")).ToArray();

    public SlotChoice ChooseSlot(StoppingContext context, IReadOnlyList<TrialCurve> paused, bool canStartNew, CancellationToken cancellationToken = default)
    {
        var hopeless = paused.Where(p => p.Values[^1] < stopBelow).Select(p => p.TrialId).ToArray();
        if (canStartNew)
        {
            return SlotChoice.StartNew("new configurations first", hopeless);
        }

        var next = paused.FirstOrDefault(p => !hopeless.Contains(p.TrialId));
        return next is null
            ? SlotChoice.Idle("nothing left to resume", hopeless)
            : SlotChoice.Resume(next.TrialId, "resume in trial order", hopeless);
    }
}
