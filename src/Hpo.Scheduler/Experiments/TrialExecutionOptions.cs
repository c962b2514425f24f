using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Experiments;

/// <summary>How <see cref="TrialExecutor"/> holds and renews a trial's lease.</summary>
public sealed class TrialExecutionOptions
{
    /// <summary>The worker id the lease is claimed under (shown in the store's trials and workers).</summary>
    public string WorkerId { get; set; } = $"worker@{Environment.MachineName}";

    /// <summary>How long the lease lives without a heartbeat. Default 60 s; at least 1 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the lease is renewed (by a timer, whatever the epochs' length). Default 10 s; positive and below <see cref="LeaseDuration"/>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long to wait for a trial that another worker holds under a live lease before giving up. Default
    /// twice the lease: a dead holder's lease lapses within one lease, so only a live holder outlasts it.
    /// </summary>
    public TimeSpan? ClaimWait { get; set; }

    /// <summary>
    /// Whether this is the trial's last attempt: a workload failure then ends the trial as Failed with the
    /// error; otherwise the trial stays Running so that a retry resumes it after its lease lapses.
    /// </summary>
    public bool FinalAttempt { get; set; } = true;

    /// <summary>
    /// The attempt a paused trial had when the experiment's slot policy chose to resume it, carried by the execution
    /// (job) made for that choice. A paused trial is claimed only by an execution with its current attempt; any other
    /// (a duplicate or stray job) leaves it paused (<see cref="TrialOutcome.LeftPaused"/>), so that only the policy resumes
    /// trials. Default null: this execution resumes no paused trial. A trial the policy requeued (Pending) is claimed by
    /// any execution.
    /// </summary>
    public int? ResumeOfAttempt { get; set; }

    /// <summary>How long database outages are ridden out (retrying from the last recorded epoch under the same lease) before the error escapes. Default 5 minutes.</summary>
    public TimeSpan MaxOutage { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The claim wait in effect (<see cref="ClaimWait"/> or twice the lease).</summary>
    public TimeSpan EffectiveClaimWait => ClaimWait ?? LeaseDuration * 2;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public TrialExecutionOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            throw new HpoValidationException("Option 'WorkerId' is empty.");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new HpoValidationException($"Option 'LeaseDuration' is {Format(LeaseDuration)}; it must be at least one second.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval >= LeaseDuration)
        {
            throw new HpoValidationException($"Option 'HeartbeatInterval' is {Format(HeartbeatInterval)}; it must be positive and shorter than the lease ({Format(LeaseDuration)}).");
        }

        if (ClaimWait is { } wait && wait < TimeSpan.Zero)
        {
            throw new HpoValidationException($"Option 'ClaimWait' is {Format(wait)}; it must not be negative.");
        }

        if (MaxOutage < TimeSpan.Zero)
        {
            throw new HpoValidationException($"Option 'MaxOutage' is {Format(MaxOutage)}; it must not be negative.");
        }

        return this;
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
