// Hpo early stopping for ML.NET AutoML: copy this file into a project that references Microsoft.ML.AutoML and
// Hpo.Scheduler, then register the runner with the factory overload (see HpoAutoMLExperimentExtensions below).
//
// How AutoMLExperiment treats a trial runner, and what this file does about it:
// - It resolves the runner from its service provider for every trial and disposes it when the trial ends;
//   SetTrialRunner(instance) registers a singleton (the same object, disposed after every trial),
//   SetTrialRunner(factory) and SetTrialRunner<T>() a transient (a new runner per trial). So the runner holds
//   nothing of its own: the curves and decisions the trials share live in one EarlyStoppingSession, which you
//   create once per experiment and dispose after RunAsync. Both registrations then decide identically.
// - AddSearchSpace(key, space) nests a trial's parameters under key; pass that key as searchSpaceKey (or null
//   for a single search space or flat parameters).
// - AutoML numbers trials from 0 and has no pruned-trial state: a trial the policy stops returns a normal
//   TrialResult (its best value so far as Metric, the matching Loss), and a thrown or cancelled trial is
//   recorded as failed with Loss = double.MaxValue.
// CI compiles this very file against a stand-in of AutoML's public members and drives it through that lifecycle
// (tests/Hpo.Scheduler.Tests/AutoMl/AutoMlLifecycleTests.cs).
using System.Text.Json;
using Hpo.Scheduler.AutoMl;
using Microsoft.ML;
using Auto = Microsoft.ML.AutoML;

namespace Hpo.Examples.AutoMl;

/// <summary>AutoML's trial runner, training through an Hpo epoch runner with early stopping.</summary>
/// <param name="session">The experiment's early-stopping state; shared by every runner, owned by the caller.</param>
/// <param name="trainer">Trains a configuration epoch by epoch, e.g. <see cref="WorkloadTrialRunner"/>.</param>
/// <param name="searchSpaceKey">The key given to <c>AddSearchSpace</c>, or null.</param>
public sealed class HpoAutoMLTrialRunner(EarlyStoppingSession session, IEpochTrialRunner trainer, string? searchSpaceKey = null) : Auto.ITrialRunner
{
    /// <inheritdoc />
    public async Task<Auto.TrialResult> RunAsync(Auto.TrialSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var trial = new TrialSettings
        {
            TrialId = settings.TrialId,
            StartedAtUtc = settings.StartedAtUtc,
            Parameter = AutoMlParameters.FromJson(JsonSerializer.Serialize(settings.Parameter), searchSpaceKey),
        };

        // A runner per trial is cheap: all it holds is the session and the trainer.
        using var runner = new EarlyStoppingTrialRunner(trainer, session);
        var result = await runner.RunAsync(trial, ct).ConfigureAwait(false);
        settings.EndedAtUtc = trial.EndedAtUtc;
        return new Auto.TrialResult
        {
            TrialSettings = settings,
            Model = result.Model as ITransformer,
            Metric = result.Metric,
            Loss = result.Loss,
            DurationInMilliseconds = result.DurationInMilliseconds,
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing to release: AutoML calls this after every trial, so the shared state lives in the session.
    }
}

/// <summary>Registers <see cref="HpoAutoMLTrialRunner"/> on an AutoMLExperiment.</summary>
public static class HpoAutoMLExperimentExtensions
{
    /// <summary>
    /// Uses Hpo early stopping as the experiment's trial runner, registered with the factory overload
    /// (<c>SetTrialRunner(Func&lt;IServiceProvider, T&gt;)</c>, transient): a new runner per trial, all of them
    /// reporting to <paramref name="session"/>.
    /// </summary>
    public static Auto.AutoMLExperiment SetHpoTrialRunner(this Auto.AutoMLExperiment experiment, EarlyStoppingSession session, IEpochTrialRunner trainer, string? searchSpaceKey = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return experiment.SetTrialRunner(_ => new HpoAutoMLTrialRunner(session, trainer, searchSpaceKey));
    }
}

// Wiring, with an ML.NET workload Hpo ships (any IWorkload, or your own IEpochTrialRunner, works the same way):
//
//   var metric = new MetricSettings(MetricDirection.Maximize, MaxEpochs: 20, LowerBound: 0, UpperBound: 1);
//   using var predictor = LcPfnPredictor.LoadDefault();                    // models/lcpfn-default.lcpfn
//   using var session = new EarlyStoppingSession(new LcPfnStoppingPolicy(predictor), metric);
//   var trainer = new WorkloadTrialRunner(new MlNetDigitsWorkload(), metric, seed: 0);
//   var experiment = new AutoMLExperiment(mlContext, new AutoMLExperiment.AutoMLExperimentSettings())
//       .AddSearchSpace("hpo", searchSpace)
//       .SetHpoTrialRunner(session, trainer, searchSpaceKey: "hpo")
//       .SetTuner(tuner);
//   var best = await experiment.RunAsync(ct);                              // best.Model: the best trial's ITransformer
