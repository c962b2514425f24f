using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping;

/// <summary>
/// Builds a <see cref="StoppingContext"/> from the store, for processes that decide without the
/// in-process <see cref="StoppingCoordinator"/> (e.g. distributed workers): every trial's curve in
/// one round trip plus the experiment's metric settings.
/// </summary>
public static class StoppingContextLoader
{
    /// <summary>The context of experiment <paramref name="experimentId"/> as stored now.</summary>
    /// <exception cref="NotFoundException">There is no such experiment.</exception>
    public static async Task<StoppingContext> LoadAsync(IExperimentStore store, long experimentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var experiment = await store.GetExperimentAsync(experimentId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"Experiment {experimentId} does not exist.");
        var trials = await ExperimentRunner.ListAllTrialsAsync(store, experimentId, cancellationToken).ConfigureAwait(false);
        var curves = await store.GetCurvesAsync(trials.Select(t => t.Id).ToArray(), cancellationToken).ConfigureAwait(false);
        var metric = MetricSettings.From(experiment.Spec);

        // Only a consecutive prefix is a curve the policies can read; a gap (a lost write) ends it.
        var result = trials.Select(t =>
        {
            var values = new List<double>();
            foreach (var o in curves[t.Id])
            {
                if (o.Epoch != values.Count + 1)
                {
                    break;
                }

                values.Add(o.Value);
            }

            return new TrialCurve(t.Id, t.Number, values);
        }).Where(c => c.Epoch > 0).ToArray();
        return new StoppingContext(metric, result);
    }
}
