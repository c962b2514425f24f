namespace Hpo.Scheduler.Stopping;

/// <summary>
/// Decides, after an epoch, whether trials should keep training. Policies are deterministic
/// functions of the context and the reports (no hidden state), so a resumed experiment decides
/// exactly as an uninterrupted one and a decision can be re-taken after a crash.
/// </summary>
public interface IStoppingPolicy
{
    /// <summary>The policy's name as stored in <see cref="Persistence.DecisionRecord.Policy"/>, e.g. <c>lcpfn</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Decides for every trial in <paramref name="reports"/> (trials that finished an epoch at the same
    /// time; a policy with a model answers them in one batch). Result <c>i</c> answers report <c>i</c>.
    /// </summary>
    /// <param name="context">The experiment: settings, every trial's curve so far (including the reporting ones) and the best value.</param>
    /// <param name="reports">The trials that just finished an epoch.</param>
    /// <param name="cancellationToken">Cancels a long model call.</param>
    IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default);
}
