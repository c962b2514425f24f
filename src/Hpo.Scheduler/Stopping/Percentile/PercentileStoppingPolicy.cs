using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Percentile;

/// <summary>
/// The percentile rule, and with 50% the median stopping rule of lcbench-protocol.md: after epoch e
/// (e ≥ <see cref="PercentileOptions.MinEpochs"/>, once <see cref="PercentileOptions.MinTrials"/> trials
/// have reached e) stop a trial whose best value so far is worse than the given percentile of the
/// other trials' values at epoch e.
/// </summary>
public sealed class PercentileStoppingPolicy : IStoppingPolicy
{
    private readonly PercentileOptions _options;

    /// <summary>Creates the policy; <paramref name="name"/> is <c>median</c> or <c>percentile</c>.</summary>
    /// <exception cref="HpoValidationException">The options are invalid.</exception>
    public PercentileStoppingPolicy(PercentileOptions? options = null, string name = "percentile")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _options = (options ?? new PercentileOptions()).Validate();
        Name = name;
    }

    /// <summary>The median stopping rule (percentile 50, min epochs 5, min trials 5).</summary>
    public static PercentileStoppingPolicy Median(int minEpochs = 5, int minTrials = 5) =>
        new(new PercentileOptions { Percentile = 50, MinEpochs = minEpochs, MinTrials = minTrials }, "median");

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        return reports.Select(r => DecideOne(context, r)).ToArray();
    }

    /// <summary>
    /// The q-quantile (0 ≤ q ≤ 1) of <paramref name="sorted"/> (ascending) with linear interpolation
    /// between order statistics (NumPy's default).
    /// </summary>
    internal static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double h = (sorted.Count - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    private StoppingDecision DecideOne(StoppingContext context, TrialCurve report)
    {
        int e = report.Epoch;
        if (e < _options.MinEpochs)
        {
            return StoppingDecision.Continue($"epoch {e} < minEpochs {_options.MinEpochs}");
        }

        var others = context.Curves.Where(c => c.TrialId != report.TrialId && c.Epoch >= e).Select(c => c.Values[e - 1]).Order().ToArray();
        if (others.Length + 1 < _options.MinTrials)
        {
            return StoppingDecision.Continue($"{others.Length + 1} of {_options.MinTrials} trials have reached epoch {e}");
        }

        var metric = context.Metric;
        double keep = _options.Percentile / 100;

        // The cut-off that the top `keep` share of the others reach: a high quantile when larger is better.
        double cutoff = Quantile(others, metric.Direction == MetricDirection.Maximize ? 1 - keep : keep);
        double best = metric.Best(report.Values);
        bool stop = metric.IsBetter(cutoff, best);
        string text = string.Create(CultureInfo.InvariantCulture, $"epoch {e}: best {best:G4} {(stop ? "worse than" : "not worse than")} the {_options.Percentile:0.#}% cut-off {cutoff:G4} of {others.Length} other trials");
        return new StoppingDecision(stop ? DecisionAction.Stop : DecisionAction.Continue, text);
    }
}
