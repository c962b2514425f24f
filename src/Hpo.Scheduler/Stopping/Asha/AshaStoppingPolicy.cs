using System.Globalization;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.Asha;

/// <summary>
/// Asynchronous successive halving in its stopping form (Optuna's SuccessiveHalvingPruner, Ray's
/// ASHAScheduler): when a trial reaches a rung it continues only if its value there is among the top
/// 1/η of all values recorded at that rung so far, its own included; otherwise it stops.
/// </summary>
public sealed class AshaStoppingPolicy : IStoppingPolicy
{
    private readonly AshaOptions _options;

    /// <summary>Creates the policy.</summary>
    /// <exception cref="HpoValidationException">The options are invalid.</exception>
    public AshaStoppingPolicy(AshaOptions? options = null)
    {
        _options = (options ?? new AshaOptions()).Validate();
    }

    /// <inheritdoc />
    public string Name => "asha";

    /// <summary>The rungs for trials of <paramref name="maxEpochs"/> epochs.</summary>
    public AshaRungs RungsFor(int maxEpochs) => new(_options.Eta, _options.MinResource, maxEpochs);

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        var rungs = RungsFor(context.MaxEpochs);
        return reports.Select(r => DecideAtRung(rungs, context.Metric, r, context.Curves)).ToArray();
    }

    /// <summary>The ASHA verdict for <paramref name="report"/> against the trials in <paramref name="competitors"/> (its own curve may be among them).</summary>
    internal static StoppingDecision DecideAtRung(AshaRungs rungs, MetricSettings metric, TrialCurve report, IEnumerable<TrialCurve> competitors)
    {
        int epoch = report.Epoch;
        if (!rungs.IsRung(epoch))
        {
            return StoppingDecision.Continue($"epoch {epoch} is not a rung");
        }

        double own = report.Values[epoch - 1];

        // Values at the rung, best first; the reporting trial counts once even if it is also in the list.
        var atRung = competitors.Where(c => c.TrialId != report.TrialId && c.Epoch >= epoch)
            .Select(c => c.Values[epoch - 1])
            .Append(own)
            .OrderBy(v => v, Comparer<double>.Create((a, b) => metric.IsBetter(a, b) ? -1 : metric.IsBetter(b, a) ? 1 : 0))
            .ToArray();
        int k = rungs.PromotableCount(atRung.Length);
        double cutoff = atRung[k - 1];
        bool promoted = !metric.IsBetter(cutoff, own);
        string text = string.Create(CultureInfo.InvariantCulture, $"rung {epoch}: value {own:G4} {(promoted ? "in" : "not in")} the top {k} of {atRung.Length} (cut-off {cutoff:G4})");
        return new StoppingDecision(promoted ? DecisionAction.Continue : DecisionAction.Stop, text);
    }
}
