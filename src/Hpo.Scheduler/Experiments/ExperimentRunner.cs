using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Tuning;
using Hpo.Scheduler.Workloads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hpo.Scheduler.Experiments;

/// <summary>
/// Runs an experiment in this process: N trials at a time, each epoch persisted, decided (batched
/// across trials that report together) and the decision persisted before the trial goes on or stops.
/// Running an experiment whose name exists resumes it: finished trials are kept, interrupted ones
/// resume after their last recorded epoch, and no trial is created twice.
/// </summary>
public sealed class ExperimentRunner
{
    private readonly IExperimentStore _store;
    private readonly StoppingPolicyFactory _policies;
    private readonly TunerFactory _tuners;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ExperimentOptions? _defaults;

    /// <summary>Creates a runner over <paramref name="store"/>.</summary>
    /// <param name="store">The system of record.</param>
    /// <param name="policies">Builds the policy from <see cref="ExperimentSpec.PolicyJson"/> (without a predictor <c>lcpfn</c> is refused).</param>
    /// <param name="tuners">Builds the tuner from <see cref="ExperimentSpec.TunerJson"/>.</param>
    /// <param name="timeProvider">The clock for budgets, leases and timestamps (system clock by default).</param>
    /// <param name="logger">Where trial failures and lost leases are logged.</param>
    /// <param name="defaults">The options a run without its own options uses (<see cref="ExperimentOptions"/> defaults otherwise).</param>
    public ExperimentRunner(IExperimentStore store, StoppingPolicyFactory? policies = null, TunerFactory? tuners = null, TimeProvider? timeProvider = null, ILogger<ExperimentRunner>? logger = null, IOptions<ExperimentOptions>? defaults = null)
    {
        _defaults = defaults?.Value;
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _policies = policies ?? new StoppingPolicyFactory();
        _tuners = tuners ?? new TunerFactory();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Runs (or resumes) the experiment <paramref name="spec"/> with the policy and tuner its JSON settings describe.
    /// </summary>
    /// <returns>The summary once the budget is spent and every trial has ended.</returns>
    /// <exception cref="HpoValidationException">The spec, its settings or the options are invalid, or an experiment of that name exists with another spec.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the experiment is left Cancelled with its running trials resumable.</exception>
    public Task<ExperimentSummary> RunAsync(ExperimentSpec spec, IWorkload workload, ExperimentOptions? options = null, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= _defaults ?? new ExperimentOptions();
        var policy = _policies.Create(spec.PolicyJson);
        var tuner = _tuners.Create(spec.TunerJson, SearchSpace.FromJson(spec.SearchSpaceJson), options.Seed);
        return RunAsync(spec, workload, policy, tuner, options, progress, cancellationToken);
    }

    /// <summary>Runs (or resumes) the experiment <paramref name="spec"/> with the given policy and tuner (simulations, tests).</summary>
    /// <inheritdoc cref="RunAsync(ExperimentSpec, IWorkload, ExperimentOptions?, IProgress{ExperimentProgress}?, CancellationToken)" path="/exception"/>
    public Task<ExperimentSummary> RunAsync(ExperimentSpec spec, IWorkload workload, IStoppingPolicy policy, ITuner tuner, ExperimentOptions? options = null, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tuner);
        var metric = MetricSettings.From(spec);
        if (workload.HigherIsBetter != (spec.Direction == MetricDirection.Maximize))
        {
            throw new HpoValidationException($"Field 'Direction' is {spec.Direction}, but workload '{workload.Name}' reports {workload.MetricName} where {(workload.HigherIsBetter ? "higher" : "lower")} is better.");
        }

        var run = new ExperimentRun(_store, workload, policy, tuner, (options ?? _defaults ?? new ExperimentOptions()).Validate(), progress, _time, _logger, spec, metric);
        return run.RunAsync(cancellationToken);
    }

    /// <summary>Every trial of an experiment, by number (all pages).</summary>
    internal static async Task<IReadOnlyList<TrialRecord>> ListAllTrialsAsync(IExperimentStore store, long experimentId, CancellationToken cancellationToken)
    {
        var all = new List<TrialRecord>();
        for (int page = 1; ; page++)
        {
            var p = await store.ListTrialsAsync(experimentId, page, 1000, null, cancellationToken).ConfigureAwait(false);
            all.AddRange(p.Items);
            if (p.Items.Count < p.PageSize || all.Count >= p.TotalCount)
            {
                return all;
            }
        }
    }
}
