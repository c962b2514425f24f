using System.Text.Json.Nodes;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Tuning;
using Hpo.Workers.Jobs;
using Hpo.Scheduler.Workloads;
using Hpo.Workers.Workloads;

namespace Hpo.Workers.Submission;

/// <summary>
/// <c>hpo submit</c>: checks an experiment, creates it in the store and enqueues its first wave of trials.
/// Submitting the same spec again resumes it (enqueues an advance); another spec under an existing name is refused.
/// </summary>
public sealed class ExperimentSubmitter
{
    private readonly IExperimentStore _store;
    private readonly TunerFactory _tuners;
    private readonly WorkloadCatalog _workloads;
    private readonly ExperimentAdvancer _advancer;

    /// <summary>Creates the submitter.</summary>
    public ExperimentSubmitter(IExperimentStore store, TunerFactory tuners, WorkloadCatalog workloads, ExperimentAdvancer advancer)
    {
        _store = store;
        _tuners = tuners;
        _workloads = workloads;
        _advancer = advancer;
    }

    /// <summary>Submits <paramref name="spec"/>; returns the experiment and the trials enqueued now.</summary>
    /// <exception cref="HpoValidationException">The spec is invalid (the message names the field), or the name is taken by another spec.</exception>
    public async Task<(ExperimentRecord Experiment, IReadOnlyList<TrialRecord> Enqueued)> SubmitAsync(ExperimentSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Check(spec);
        var experiment = await _store.FindExperimentAsync(spec.Name, cancellationToken).ConfigureAwait(false);
        if (experiment is not null && experiment.Spec.FirstDifference(spec) is { } field)
        {
            throw new HpoValidationException($"Field '{field}' differs from that of the existing experiment '{spec.Name}'; submit it unchanged to resume it, or choose another name.");
        }

        experiment ??= await _store.CreateExperimentAsync(spec, cancellationToken).ConfigureAwait(false);
        var enqueued = await _advancer.AdvanceAsync(experiment.Id, cancellationToken).ConfigureAwait(false);
        return (await _store.GetExperimentAsync(experiment.Id, cancellationToken).ConfigureAwait(false) ?? experiment, enqueued);
    }

    private void Check(ExperimentSpec spec)
    {
        var settings = ExperimentOptions.FromSettingsJson(spec.SettingsJson);
        _tuners.Create(spec.TunerJson, SearchSpace.FromJson(spec.SearchSpaceJson), settings.Seed);
        // Every policy is accepted: workers decide with the model they were started with, so an lcpfn policy's
        // settings are checked here without loading one.
        var policy = new StoppingPolicyFactory(Hpo.Scheduler.Experiments.Files.ValidationPredictor.Instance).Create(spec.PolicyJson);
        IWorkload workload;
        try
        {
            workload = _workloads.Create(spec.SettingsJson);
        }
        catch (ArgumentException ex)
        {
            throw new HpoValidationException($"Field 'SettingsJson': {ex.Message}", ex);
        }

        try
        {
            if (workload.HigherIsBetter != (spec.Direction == MetricDirection.Maximize))
            {
                throw new HpoValidationException($"Field 'Direction' is {spec.Direction}, but workload '{workload.Name}' reports {workload.MetricName} where {(workload.HigherIsBetter ? "higher" : "lower")} is better.");
            }

            // A pausing policy's trials are checkpointed and resumed on any worker: the workload must support that.
            TrialCheckpoints.RequireResumable(workload, policy);
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
    }
}
