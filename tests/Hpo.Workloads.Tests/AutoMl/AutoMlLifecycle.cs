using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.AutoML;
using Microsoft.ML.SearchSpace;

namespace Hpo.Workloads.Tests.AutoMl;

/// <summary>
/// What AutoMLExperiment.RunAsync does with a trial runner, written from its documented behaviour (not its code):
/// trials are numbered from 0; each trial's parameters come from the tuner's Propose, nested under the search
/// space's key; the runner is resolved from the experiment's service provider for every trial and disposed when the
/// trial ends; a completed trial goes to the monitor and to the tuner's Update, and becomes the best when its Loss is
/// the lowest so far; a trial that throws or is cancelled goes to ReportFailTrial and to the tuner with
/// Loss = double.MaxValue (a throw before any trial completed ends the experiment).
/// </summary>
internal sealed class AutoMlLifecycle(AutoMLExperiment experiment)
{
    /// <summary>Trials whose token is cancelled as soon as they start (AutoML's performance monitor cancelling a trial).</summary>
    public ISet<int> CancelledTrials { get; } = new HashSet<int>();

    /// <summary>Runs <paramref name="trials"/> trials and returns what happened.</summary>
    public async Task<Outcome> RunAsync(int trials, CancellationToken cancellationToken = default)
    {
        var outcome = new Outcome();
        using var provider = experiment.ServiceCollection.BuildServiceProvider();
        var monitor = provider.GetService<IMonitor>();
        var tuner = provider.GetRequiredService<ITuner>();
        for (int trialNum = 0; trialNum < trials; trialNum++)
        {
            var settings = new TrialSettings { TrialId = trialNum, StartedAtUtc = DateTime.UtcNow, Parameter = Parameter.CreateNestedParameter() };
            settings.Parameter = tuner.Propose(settings);
            monitor?.ReportRunningTrial(settings);
            try
            {
                using var runner = provider.GetRequiredService<ITrialRunner>();
                outcome.Runners.Add(runner);
                using var trialCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var running = runner.RunAsync(settings, trialCancellation.Token);
                if (CancelledTrials.Contains(trialNum))
                {
                    await trialCancellation.CancelAsync();
                }

                var result = await running;
                monitor?.ReportCompletedTrial(result);
                tuner.Update(result);
                outcome.Completed.Add(result);
                if (outcome.Best is null || result.Loss < outcome.Best.Loss)
                {
                    outcome.Best = result;
                    monitor?.ReportBestTrial(result);
                }
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Fail(settings, ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Fail(settings, ex);
                if (outcome.Best is null)
                {
                    throw;
                }
            }

            void Fail(TrialSettings failed, Exception ex)
            {
                monitor?.ReportFailTrial(failed, ex);
                tuner.Update(new TrialResult { TrialSettings = failed, Loss = double.MaxValue, Metric = double.MaxValue });
                outcome.Failures.Add((failed.TrialId, ex));
            }
        }

        return outcome;
    }

    public sealed class Outcome
    {
        public List<TrialResult> Completed { get; } = [];

        public List<(int TrialId, Exception Exception)> Failures { get; } = [];

        /// <summary>The runner resolved for each trial (the same object every time for a singleton).</summary>
        public List<ITrialRunner> Runners { get; } = [];

        public TrialResult? Best { get; set; }
    }
}
