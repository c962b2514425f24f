using System.Globalization;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Persistence;

namespace Hpo.Scheduler.Stopping.LcPfn;

/// <summary>
/// The LC-PFN rule (spec §6, the default policy): after epoch t ≥ <see cref="LcPfnPolicyOptions.MinEpochs"/>
/// predict the trial's value at its final epoch T and stop when P(y_T &gt; y_best) &lt; δ, y_best being
/// the best value any trial has observed; with <see cref="LcPfnHorizon.AnyRemainingEpoch"/>, stop when
/// max over every remaining epoch t &lt; t' ≤ T of P(y_t' &gt; y_best) &lt; δ.
/// All trials of one <see cref="Decide"/> call share one predictor call.
/// </summary>
/// <remarks>
/// Values go through <see cref="MetricScale"/> into model space and predictions come back through it;
/// runs longer than the model's horizon are compressed by <see cref="EpochMap"/>. Every decision taken
/// by the model carries the probability and the predicted median and 90% band at the final epoch.
/// </remarks>
public sealed class LcPfnStoppingPolicy : IStoppingPolicy, IPredictorPolicy, IMinEpochsPolicy
{
    private readonly ICurvePredictor _predictor;
    private readonly LcPfnPolicyOptions _options;

    /// <summary>Creates the policy.</summary>
    /// <exception cref="HpoValidationException">The options are invalid.</exception>
    public LcPfnStoppingPolicy(ICurvePredictor predictor, LcPfnPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        _predictor = predictor;
        _options = (options ?? new LcPfnPolicyOptions()).Validate();
    }

    /// <inheritdoc />
    public string Name => "lcpfn";

    /// <inheritdoc />
    public ICurvePredictor Predictor => _predictor;

    /// <summary>The settings in use.</summary>
    public LcPfnPolicyOptions Options => _options;

    /// <inheritdoc />
    public int MinEpochs => _options.MinEpochs;

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        var plan = Plan(context, reports);
        if (plan.Queries.Count > 0)
        {
            var predictions = _predictor.Predict(plan.Queries, cancellationToken);
            for (int k = 0; k < plan.Asked.Count; k++)
            {
                plan.Decisions[plan.Asked[k]] = FromPrediction(predictions[k], plan.BestModel, plan.Best, plan.Scale!, context.Metric.Direction);
            }
        }

        return plan.Decisions.Select(d => d!).ToArray();
    }

    /// <summary>
    /// The predictor queries <see cref="Decide"/> would send for <paramref name="reports"/>, without
    /// sending them: a caller simulating many experiments at once (the benchmarks) collects them from
    /// all its experiments and answers them in one batch before deciding each experiment.
    /// </summary>
    public IReadOnlyList<CurveQuery> PlanQueries(StoppingContext context, IReadOnlyList<TrialCurve> reports) => Plan(context, reports).Queries;

    private DecisionPlan Plan(StoppingContext context, IReadOnlyList<TrialCurve> reports)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        var decisions = new StoppingDecision?[reports.Count];
        var queries = new List<CurveQuery>();
        var asked = new List<int>();
        if (context.BestSoFar is not { } best)
        {
            for (int i = 0; i < reports.Count; i++)
            {
                decisions[i] = StoppingDecision.Continue("no value observed yet");
            }

            return new DecisionPlan(decisions, queries, asked, double.NaN, double.NaN, null);
        }

        var scale = MetricScale.For(context);
        var map = new EpochMap(context.MaxEpochs, _predictor.MaxEpochs);
        for (int i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            if (report.Epoch < _options.MinEpochs)
            {
                decisions[i] = StoppingDecision.Continue($"epoch {report.Epoch} < minEpochs {_options.MinEpochs}");
                continue;
            }

            if (report.Epoch >= context.MaxEpochs)
            {
                decisions[i] = StoppingDecision.Continue("final epoch reached");
                continue;
            }

            var observed = map.Observed(report.Values, scale.ToModel);
            if (observed.Length == 0 || observed.Length >= map.ModelEpochs)
            {
                decisions[i] = StoppingDecision.Continue("no model epoch left to predict at this resolution");
                continue;
            }

            // The final epoch is always the last query: FromPrediction reads its median and band there.
            int[] epochs = _options.Horizon == LcPfnHorizon.FinalEpoch
                ? [map.ModelEpochs]
                : Enumerable.Range(observed.Length + 1, map.ModelEpochs - observed.Length).ToArray();
            queries.Add(new CurveQuery(observed, epochs));
            asked.Add(i);
        }

        return new DecisionPlan(decisions, queries, asked, best, scale.ToModel(best), scale);
    }

    private StoppingDecision FromPrediction(CurvePrediction prediction, double bestModel, double best, MetricScale scale, MetricDirection direction)
    {
        double p = prediction.MaxProbabilityAbove(bestModel);
        var final = prediction.AtEpoch[^1];
        double median = scale.FromModel(final.Quantile(0.5));
        double q05 = scale.FromModel(final.Quantile(0.05));
        double q95 = scale.FromModel(final.Quantile(0.95));

        // Smaller-is-better metrics reverse the order when mapped back.
        (double low, double high) = direction == MetricDirection.Maximize ? (q05, q95) : (q95, q05);
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"P(beat best {best:G4}) = {p:0.####} {(p < _options.Delta ? "<" : "≥")} δ {_options.Delta:0.###}; final-epoch median {median:G4} [{low:G4}, {high:G4}]");
        return new StoppingDecision(p < _options.Delta ? DecisionAction.Stop : DecisionAction.Continue, text, p, median, low, high);
    }

    private sealed record DecisionPlan(StoppingDecision?[] Decisions, List<CurveQuery> Queries, List<int> Asked, double Best, double BestModel, MetricScale? Scale);
}
