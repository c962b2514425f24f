using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Benchmarks;

/// <summary>
/// Research only (env HPO_FT_DUMP=FILE): at a sample of slot choices, writes one CSV line per paused trial with
/// candidate signals and the oracle's label (a later epoch beats the best so far), for offline analysis of acquisitions.
/// </summary>
internal static class SlotDump
{
    private static readonly object Gate = new();
    private static readonly string? Path = Environment.GetEnvironmentVariable("HPO_FT_DUMP");
    private static int _calls;

    public static bool Enabled => Path is not null;

    public static void Write(OracleSlotFreezeThawPolicy policy, LcBenchPool pool, StoppingContext context, IReadOnlyList<TrialCurve> paused)
    {
        if (Path is null || paused.Count == 0 || context.BestSoFar is not { } best || Interlocked.Increment(ref _calls) % 10 != 0)
        {
            return;
        }

        var queries = policy.Inner.PlanSlotQueries(context, paused);
        var predictions = policy.Inner.Predictor.Predict(queries.Take(paused.Count).ToArray());
        var scale = new MetricScale(context.Metric, []);
        double bestModel = scale.ToModel(best);
        int run = RuntimeHelpers.GetHashCode(context.Curves);
        long spent = context.Curves.Sum(c => (long)c.Epoch);
        int started = context.Curves.Count(c => c.Epoch >= 1);

        // Features of configurations.
        var withParameters = context.Curves.Where(c => c.Parameters is not null && c.Epoch >= 1).ToArray();
        var names = paused[0].Parameters?.Where(kv => kv.Value is double or long).Select(kv => kv.Key).ToArray() ?? [];
        static double Raw(IReadOnlyDictionary<string, object> ps, string name) => ps[name] switch { double d => d, long l => l, _ => double.NaN };
        var logs = names.Select(n => withParameters.All(c => Raw(c.Parameters!, n) > 0) && withParameters.Max(c => Raw(c.Parameters!, n)) >= 10 * withParameters.Min(c => Raw(c.Parameters!, n))).ToArray();
        var lo = new double[names.Length];
        var hi = new double[names.Length];
        for (int d = 0; d < names.Length; d++)
        {
            var xs = withParameters.Select(c => logs[d] ? Math.Log(Raw(c.Parameters!, names[d])) : Raw(c.Parameters!, names[d])).ToArray();
            (lo[d], hi[d]) = (xs.Min(), xs.Max());
        }

        var features = withParameters.ToDictionary(c => c.TrialId, c => names.Select((n, d) =>
        {
            double x = logs[d] ? Math.Log(Raw(c.Parameters!, n)) : Raw(c.Parameters!, n);
            return hi[d] > lo[d] ? (x - lo[d]) / (hi[d] - lo[d]) : 0.5;
        }).ToArray());
        double Dist(double[] a, double[] b)
        {
            double s = 0;
            for (int d = 0; d < a.Length; d++)
            {
                s += (a[d] - b[d]) * (a[d] - b[d]);
            }

            return s;
        }

        const int K = 7;
        var sb = new StringBuilder();
        for (int i = 0; i < paused.Count; i++)
        {
            var curve = paused[i];
            int e = curve.Epoch;
            double p = predictions[i].AtEpoch[^1].ProbabilityAbove(bestModel);
            double v = curve.Values[e - 1];
            double future = pool.SuffixMax[checked((int)curve.TrialId)][e - 1];
            int better = context.Curves.Count(c => c.Epoch >= e && c.Values[e - 1] > v);
            int reached = context.Curves.Count(c => c.Epoch >= e);
            sb.Append(CultureInfo.InvariantCulture, $"{pool.TaskId},{run},{spent},{started},{best:R},{curve.TrialId},{e},{v:R},{(e >= 2 ? curve.Values[e - 2] : double.NaN):R},{curve.Values[0]:R},{p:R},{better},{reached},{future:R},{pool.Curves[checked((int)curve.TrialId)][^1]:R}");
            var f = features[curve.TrialId];
            int far = Math.Min(context.MaxEpochs, Math.Max(16, 2 * e));
            var farNear = withParameters.Where(c => c.Epoch >= far && c.TrialId != curve.TrialId)
                .Select(c => (D: Dist(f, features[c.TrialId]), Gain: c.Values.Skip(e).Max() - c.Values[e - 1], Level: c.Values.Max()))
                .OrderBy(t => t.D).Take(K).ToArray();
            var sameNear = withParameters.Where(c => c.Epoch >= e && c.TrialId != curve.TrialId)
                .Select(c => (D: Dist(f, features[c.TrialId]), V: c.Values[e - 1], Max: c.Values.Max(), Ep: c.Epoch))
                .OrderBy(t => t.D).Take(K).ToArray();
            sb.Append(CultureInfo.InvariantCulture, $",{withParameters.Count(c => c.Epoch >= far)},{(farNear.Length > 0 ? farNear.Average(t => t.Gain) : double.NaN):R},{(farNear.Length > 0 ? farNear.Average(t => t.Level) : double.NaN):R},{(farNear.Length > 0 ? farNear.Average(t => t.D) : double.NaN):R},{(sameNear.Length > 0 ? sameNear.Average(t => t.V) : double.NaN):R},{(sameNear.Length > 0 ? sameNear.Max(t => t.Max) : double.NaN):R}");
            foreach (var (n, lg) in names.Zip(logs))
            {
                double x = Raw(curve.Parameters!, n);
                sb.Append(CultureInfo.InvariantCulture, $",{(lg ? Math.Log(x) : x):R}");
            }

            sb.Append('\n');
        }

        lock (Gate)
        {
            File.AppendAllText(Path, sb.ToString());
        }
    }

    /// <summary>Writes every started trial's curve so far and configuration once per run end? Not needed: the pool is reproducible.</summary>
    public static void Header(IReadOnlyList<string> names)
    {
    }
}
