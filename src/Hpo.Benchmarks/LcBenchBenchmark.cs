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
/// queries share one forward pass. Several models can be compared in one run (each with its own cache);
/// see <see cref="Run"/>.
/// </remarks>
public static class LcBenchBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="pools">The pool of a task (called once per task, in order).</param>
    /// <param name="options">The settings.</param>
    /// <param name="policies">Comma-separated policies (see <see cref="BenchmarkPolicy.ParseList"/>); no stopping is added when absent.</param>
    /// <param name="delta">δ of <c>lcpfn</c>.</param>
    /// <param name="models">
    /// The LC-PFNs (needed only by the policies that use one; see <see cref="BenchmarkPolicy.UsesModel"/>): one unnamed
    /// model, or several named ones, in which case every such policy runs once per model, labelled <c>POLICY@NAME</c>.
    /// </param>
    /// <param name="progress">Progress after every stage and every 50 clock units.</param>
    /// <param name="cancellationToken">Stops the run between clock units.</param>
    /// <exception cref="ArgumentException">The options, the policy list or the models are invalid.</exception>
    /// <remarks>
    /// Each model has its own <see cref="MemoizingCurvePredictor"/> of <see cref="LcBenchBenchmarkOptions.CacheBytes"/>:
    /// no model is ever answered from another's memory. Within a task the policies run grouped by model and a model's
    /// memory is emptied once its last policy is done, so the peak stays one model's, and each model meets exactly the
    /// queries, cache and batches of a run of that model alone: its results do not depend on the models beside it.
    /// </remarks>
    public static LcBenchBenchmarkReport Run(
        Func<string, LcBenchPool> pools,
        LcBenchBenchmarkOptions options,
        string policies,
        double delta,
        IReadOnlyList<BenchmarkModel> models,
        IProgress<BenchmarkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(models);
        options.Validate();
        BenchmarkModel.ValidateList(models);
        var memos = models.Select(m => new MemoizingCurvePredictor(m.Predictor, options.CacheBytes)).ToArray();
        var parsed = Expand(policies, delta, models, memos);
        if (!parsed.Any(p => p.Policy.IsNone))
        {
            parsed.Add(new Entry(BenchmarkPolicy.None, BenchmarkPolicy.None.Name, -1));
        }

        // Only the models some policy asked count (a run of model-free policies reports none).
        var used = parsed.Any(p => p.Model >= 0) ? memos : Array.Empty<MemoizingCurvePredictor>();
        long Misses() => used.Sum(m => m.Misses);
        long Hits() => used.Sum(m => m.Hits);

        var watch = Stopwatch.StartNew();
        var results = new List<TaskPolicyResult>();
        int taskCount = options.Tasks.Count;
        int budget = options.EffectiveBudgetRuns;
        int workers = options.EffectiveWorkers;

        // No stopping runs first (every other policy's speed-up is measured against it), then the model-free
        // policies, then each model's policies together (stable, so a model's policies keep their given order).
        var order = parsed.Where(p => p.Policy.IsNone).Concat(parsed.Where(p => !p.Policy.IsNone).OrderBy(p => p.Model)).ToArray();
        for (int t = 0; t < taskCount; t++)
        {
            string taskId = options.Tasks[t];
            string where = $"task {t + 1}/{taskCount} ({taskId})";
            progress?.Report(new BenchmarkProgress((double)t / taskCount, $"{where}: pool of {options.Pool} curves", Misses(), Hits()));
            var pool = pools(taskId);
            int epochBudget = checked(budget * pool.Epochs);
            var orderings = Enumerable.Range(0, options.Orderings).Select(i => pool.Ordering(options.Seed, i)).ToArray();
            foreach (var memo in memos)
            {
                memo.Clear();
            }

            double[]? baseline = null;
            for (int p = 0; p < order.Length; p++)
            {
                var entry = order[p];
                var memo = entry.Model >= 0 ? memos[entry.Model] : null;
                int stage = p;
                void OnTick(int tick)
                {
                    if (progress is not null && tick % 50 == 0)
                    {
                        double within = Math.Min(1, (double)tick * workers / epochBudget);
                        progress.Report(new BenchmarkProgress((t + ((stage + within) / order.Length)) / taskCount, $"{where}: {entry.Name}", Misses(), Hits()));
                    }
                }

                var sims = SimulationDriver.Run(pool, entry.Policy.For(pool), orderings, workers, epochBudget, memo, OnTick, cancellationToken);
                if (memo is not null && !order.Skip(p + 1).Any(o => o.Model == entry.Model))
                {
                    memo.Clear();
                }

                var mean = RegretCurves.Mean(sims.Select(s => s.Regret).ToArray());
                baseline ??= mean;
                results.Add(new TaskPolicyResult(
                    taskId,
                    entry.Name,
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

        progress?.Report(new BenchmarkProgress(1, "done", Misses(), Hits()));
        var names = parsed.Select(p => p.Name).ToArray();
        var summaries = names.Select(n => Summarise(n, results)).ToArray();
        var counts = used.Select((m, i) => new ModelQueryCount(models[i].Name, m.Misses, m.Hits)).ToArray();
        return new LcBenchBenchmarkReport(options, names, results, summaries, Misses(), Hits(), watch.Elapsed.TotalSeconds, counts);
    }

    /// <summary>
    /// The policies in the order given, each policy that uses a model once per model (built by the same parser over
    /// that model's cache, so it is the product's policy with that model), labelled by <see cref="BenchmarkModel.Label"/>.
    /// </summary>
    private static List<Entry> Expand(string policies, double delta, IReadOnlyList<BenchmarkModel> models, MemoizingCurvePredictor[] memos)
    {
        if (models.Count == 0)
        {
            return [.. BenchmarkPolicy.ParseList(policies, delta, null).Select(p => new Entry(p, p.Name, -1))];
        }

        var perModel = memos.Select(m => BenchmarkPolicy.ParseList(policies, delta, m)).ToArray();
        var result = new List<Entry>();
        for (int i = 0; i < perModel[0].Count; i++)
        {
            var policy = perModel[0][i];
            if (policy.UsesModel)
            {
                result.AddRange(perModel.Select((list, m) => new Entry(list[i], models[m].Label(list[i].Name), m)));
            }
            else
            {
                result.Add(new Entry(policy, policy.Name, -1));
            }
        }

        return result;
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

    /// <summary>A policy under benchmark with its label and the index of its model (−1: it uses none).</summary>
    private sealed record Entry(BenchmarkPolicy Policy, string Name, int Model);
}
