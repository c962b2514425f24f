using System.Diagnostics;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;

namespace Hpo.Benchmarks;

/// <summary>
/// The LCBench early-stopping benchmark (lcbench-protocol.md): per task a pool of configurations with
/// surrogate curves, many random orderings, every policy trained through the same orderings with the same
/// epoch budget, and the mean regret curves compared with no stopping.
/// </summary>
/// <remarks>
/// The decisions are the product's policies' own (built by the stopping-policy factory). The LC-PFN policy
/// gets its predictor through a <see cref="MemoizingCurvePredictor"/>: its decision for a run depends only
/// on the observed prefix and the best value so far, so each (configuration, epoch) goes to the model
/// once per task however many orderings reach it, and the orderings run in lock-step so that their new
/// queries share one forward pass.
/// </remarks>
public static class LcBenchBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="pools">The pool of a task (called once per task, in order).</param>
    /// <param name="options">The settings.</param>
    /// <param name="policies">Comma-separated policies (see <see cref="BenchmarkPolicy.ParseList"/>); no stopping is added when absent.</param>
    /// <param name="delta">δ of <c>lcpfn</c>.</param>
    /// <param name="predictor">The LC-PFN predictor (needed only for <c>lcpfn</c>).</param>
    /// <param name="progress">Progress after every stage and every 50 clock units.</param>
    /// <param name="cancellationToken">Stops the run between clock units.</param>
    /// <exception cref="ArgumentException">The options or the policy list are invalid.</exception>
    public static LcBenchBenchmarkReport Run(
        Func<string, LcBenchPool> pools,
        LcBenchBenchmarkOptions options,
        string policies,
        double delta,
        ICurvePredictor? predictor,
        IProgress<BenchmarkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var memo = predictor is null ? null : new MemoizingCurvePredictor(predictor, options.CacheBytes);
        var parsed = BenchmarkPolicy.ParseList(policies, delta, memo).ToList();
        if (!parsed.Any(p => p.IsNone))
        {
            parsed.Add(BenchmarkPolicy.None);
        }

        var watch = Stopwatch.StartNew();
        var results = new List<TaskPolicyResult>();
        int taskCount = options.Tasks.Count;
        int budget = options.EffectiveBudgetRuns;
        int workers = options.EffectiveWorkers;

        // No stopping runs first: every other policy's speed-up is measured against it.
        var order = parsed.Where(p => p.IsNone).Concat(parsed.Where(p => !p.IsNone)).ToArray();
        for (int t = 0; t < taskCount; t++)
        {
            string taskId = options.Tasks[t];
            string where = $"task {t + 1}/{taskCount} ({taskId})";
            progress?.Report(new BenchmarkProgress((double)t / taskCount, $"{where}: pool of {options.Pool} curves", memo?.Misses ?? 0, memo?.Hits ?? 0));
            var pool = pools(taskId);
            int epochBudget = checked(budget * pool.Epochs);
            var orderings = Enumerable.Range(0, options.Orderings).Select(i => pool.Ordering(options.Seed, i)).ToArray();
            memo?.Clear();
            double[]? baseline = null;
            for (int p = 0; p < order.Length; p++)
            {
                var policy = order[p];
                int stage = p;
                void OnTick(int tick)
                {
                    if (progress is not null && tick % 50 == 0)
                    {
                        double within = Math.Min(1, (double)tick * workers / epochBudget);
                        progress.Report(new BenchmarkProgress((t + ((stage + within) / order.Length)) / taskCount, $"{where}: {policy.Name}", memo?.Misses ?? 0, memo?.Hits ?? 0));
                    }
                }

                var sims = SimulationDriver.Run(pool, policy.For(pool), orderings, workers, epochBudget, memo, OnTick, cancellationToken);
                var mean = RegretCurves.Mean(sims.Select(s => s.Regret).ToArray());
                baseline ??= mean;
                results.Add(new TaskPolicyResult(
                    taskId,
                    policy.Name,
                    mean,
                    RegretCurves.SpeedUp(baseline, mean),
                    mean[^1],
                    RegretCurves.NormalisedArea(mean),
                    RegretCurves.At(mean, 0.25),
                    RegretCurves.At(mean, 0.5),
                    sims.Average(s => s.TrialsStarted),
                    sims.Count(s => s.PoolExhausted),
                    sims.Average(s => s.Pauses),
                    sims.Average(s => s.Resumes),
                    sims.Average(s => s.StoppedForGood)));
            }
        }

        progress?.Report(new BenchmarkProgress(1, "done", memo?.Misses ?? 0, memo?.Hits ?? 0));
        var names = parsed.Select(p => p.Name).ToArray();
        var summaries = names.Select(n => Summarise(n, results)).ToArray();
        return new LcBenchBenchmarkReport(options, names, results, summaries, memo?.Misses ?? 0, memo?.Hits ?? 0, watch.Elapsed.TotalSeconds);
    }

    private static PolicySummary Summarise(string policy, List<TaskPolicyResult> results)
    {
        var mine = results.Where(r => r.Policy == policy).ToArray();
        var none = results.Where(r => r.Policy == BenchmarkPolicy.None.Name).ToDictionary(r => r.TaskId, StringComparer.Ordinal);
        var speedUps = mine.Select(r => r.SpeedUp.Value).ToArray();

        // "Worse" allows for the last bits of the averaging: the same runs give the same regret.
        const double Tolerance = 1e-9;
        return new PolicySummary(
            policy,
            RegretCurves.GeometricMean(speedUps),
            speedUps.Average(),
            RegretCurves.Median(speedUps),
            speedUps.Count(s => s >= 2),
            mine.Count(r => !r.SpeedUp.Reached),
            mine.Count(r => r.FinalRegret > none[r.TaskId].FinalRegret + Tolerance),
            mine.Average(r => r.FinalRegret),
            mine.Average(r => r.Area),
            mine.Average(r => r.RegretAt25),
            mine.Average(r => r.RegretAt50),
            mine.Average(r => r.MeanTrialsStarted),
            mine.Length,
            mine.Average(r => r.MeanPauses),
            mine.Average(r => r.MeanResumes),
            mine.Average(r => r.MeanStoppedForGood));
    }
}
