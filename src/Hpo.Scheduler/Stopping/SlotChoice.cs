namespace Hpo.Scheduler.Stopping;

/// <summary>A slot policy's answer for one free slot.</summary>
/// <param name="Action">Start a new configuration, resume a paused trial, or leave the slot free.</param>
/// <param name="ResumeTrialId">The paused trial to resume, for <see cref="SlotAction.Resume"/>.</param>
/// <param name="StopForGood">Paused trials to end for good now (they become <see cref="Persistence.TrialStatus.Stopped"/>), e.g. those whose chance of beating the best fell below δ.</param>
/// <param name="Reason">A short human-readable reason (stored with the resume or stop).</param>
public sealed record SlotChoice(SlotAction Action, long? ResumeTrialId, IReadOnlyList<long> StopForGood, string Reason)
{
    /// <summary>Start a new configuration, ending <paramref name="stopForGood"/> for good.</summary>
    public static SlotChoice StartNew(string reason, IReadOnlyList<long>? stopForGood = null) => new(SlotAction.StartNew, null, stopForGood ?? [], reason);

    /// <summary>Resume <paramref name="trialId"/>, ending <paramref name="stopForGood"/> for good.</summary>
    public static SlotChoice Resume(long trialId, string reason, IReadOnlyList<long>? stopForGood = null) => new(SlotAction.Resume, trialId, stopForGood ?? [], reason);

    /// <summary>Leave the slot free, ending <paramref name="stopForGood"/> for good.</summary>
    public static SlotChoice Idle(string reason, IReadOnlyList<long>? stopForGood = null) => new(SlotAction.Idle, null, stopForGood ?? [], reason);
}
