using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Experiments;

/// <summary>How an in-process experiment runs: concurrency, budgets, seed and leases.</summary>
public sealed class ExperimentOptions
{
    /// <summary>Trials trained at the same time. Default 4; at least 1.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>The most trials the experiment creates, counting those of earlier runs. Default 20 (the LCBench protocol's budget of 20 full runs); at least 1.</summary>
    public int MaxTrials { get; set; } = 20;

    /// <summary>The most epochs trained over all trials, earlier runs included, or null for no limit.</summary>
    public long? MaxTotalEpochs { get; set; }

    /// <summary>
    /// The wall time of this run (measured with the injected TimeProvider; a resumed run gets a new
    /// allowance), or null for no limit. When it is spent no new epoch starts.
    /// </summary>
    public TimeSpan? MaxWallTime { get; set; }

    /// <summary>Seeds the tuner (unless its settings give a seed) and each trial's workload (mixed with the trial number). Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// How long a trial's lease lives without a heartbeat. Default 30 s: a restarted experiment resumes
    /// the trials of a crashed run once their leases have lapsed, i.e. after at most this long. Heartbeats
    /// go out every third of it.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The worker id the loop claims trials under. Default <c>in-process@{machine name}</c>.</summary>
    public string WorkerId { get; set; } = $"in-process@{Environment.MachineName}";

    /// <summary>Checks the settings.</summary>
    /// <exception cref="HpoValidationException">A setting is out of range; the message names it.</exception>
    public ExperimentOptions Validate()
    {
        if (Concurrency < 1)
        {
            throw new HpoValidationException($"Option 'Concurrency' is {Concurrency}; it must be at least 1.");
        }

        if (MaxTrials < 1)
        {
            throw new HpoValidationException($"Option 'MaxTrials' is {MaxTrials}; it must be at least 1.");
        }

        if (MaxTotalEpochs is < 1)
        {
            throw new HpoValidationException($"Option 'MaxTotalEpochs' is {MaxTotalEpochs}; it must be at least 1.");
        }

        if (MaxWallTime is { } wall && wall <= TimeSpan.Zero)
        {
            throw new HpoValidationException($"Option 'MaxWallTime' is {wall.ToString("c", CultureInfo.InvariantCulture)}; it must be positive.");
        }

        if (LeaseDuration <= TimeSpan.Zero)
        {
            throw new HpoValidationException($"Option 'LeaseDuration' is {LeaseDuration.ToString("c", CultureInfo.InvariantCulture)}; it must be positive.");
        }

        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            throw new HpoValidationException("Option 'WorkerId' is empty.");
        }

        return this;
    }
}
