using System.Globalization;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Stopping.LcPfn;

namespace Hpo.Scheduler.Stopping.FreezeThaw;

/// <summary>
/// Freeze-thaw with the LC-PFN: a running trial pauses after each rung epoch (default 2, 4, 8, 16, 32) and is
/// stopped for good, as by the <c>lcpfn</c> policy, once its predicted P(y_T &gt; y_best) at the final epoch T falls
/// below δ. At a free slot the policy predicts every paused curve's final value, stops for good the paused trials
/// whose probability fell below δ (the best moved on since they paused), and chooses between resuming the most
/// promising of the rest and starting a new configuration (<see cref="FreezeThawAcquisition"/>).
/// </summary>
/// <remarks>
/// Values go through <see cref="MetricScale"/> into model space and back; runs longer than the model's horizon are
/// compressed by <see cref="EpochMap"/>, exactly as the <c>lcpfn</c> policy does. Stateless: every answer is a function
/// of the curves, the paused list and the predictor. <see cref="PlanQueries"/> and <see cref="PlanSlotQueries"/> let a
/// caller that simulates many experiments (the benchmarks) batch the model calls of all of them.
/// </remarks>
public sealed class FreezeThawStoppingPolicy : IStoppingPolicy, ISlotPolicy, IPredictorPolicy
{
    // Expected improvement from the predictive quantiles at the midpoints of this many equal-mass slices.
    private const int EiSlices = 20;

    private readonly ICurvePredictor _predictor;
    private readonly FreezeThawOptions _options;
    private readonly HashSet<int> _rungs;

    /// <summary>Creates the policy.</summary>
    /// <exception cref="HpoValidationException">The options are invalid.</exception>
    public FreezeThawStoppingPolicy(ICurvePredictor predictor, FreezeThawOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        _predictor = predictor;
        _options = (options ?? new FreezeThawOptions()).Validate();
        _rungs = [.. _options.Rungs];
    }

    /// <inheritdoc />
    public string Name => "freeze-thaw";

    /// <inheritdoc />
    public ICurvePredictor Predictor => _predictor;

    /// <summary>The settings in use.</summary>
    public FreezeThawOptions Options => _options;

    /// <inheritdoc />
    public IReadOnlyList<StoppingDecision> Decide(StoppingContext context, IReadOnlyList<TrialCurve> reports, CancellationToken cancellationToken = default)
    {
        var plan = PlanDecisions(context, reports);
        var decisions = new StoppingDecision[reports.Count];
        var predictions = plan.Queries.Count > 0 ? _predictor.Predict(plan.Queries, cancellationToken) : [];
        double delta = Delta(context);
        for (int i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            bool rung = _rungs.Contains(report.Epoch) && report.Epoch < context.MaxEpochs;
            int k = plan.QueryOf[i];
            if (k < 0)
            {
                decisions[i] = rung
                    ? StoppingDecision.Pause(string.Create(CultureInfo.InvariantCulture, $"rung {report.Epoch}: paused ({plan.Why[i]})"))
                    : StoppingDecision.Continue(plan.Why[i]!);
                continue;
            }

            var final = predictions[k].AtEpoch[^1];
            double p = final.ProbabilityAbove(plan.BestModel);
            var (median, low, high) = Band(final, plan.Scale!, context.Metric.Direction);
            var action = p < delta ? DecisionAction.Stop : rung ? DecisionAction.Pause : DecisionAction.Continue;
            string verb = action switch
            {
                DecisionAction.Stop => "< δ: stopped for good",
                DecisionAction.Pause => $"≥ δ: paused at rung {report.Epoch}",
                _ => "≥ δ",
            };
            if (_options.StartDelta is not null)
            {
                verb = string.Create(CultureInfo.InvariantCulture, $"{verb} (budget-aware δ {delta:0.####})");
            }

            string text = string.Create(CultureInfo.InvariantCulture, $"P(beat best {plan.Best:G4}) = {p:0.####} {verb}; final-epoch median {median:G4} [{low:G4}, {high:G4}]");
            decisions[i] = new StoppingDecision(action, text, p, median, low, high);
        }

        return decisions;
    }

    /// <summary>The predictor queries <see cref="Decide"/> would send for <paramref name="reports"/>, without sending them.</summary>
    public IReadOnlyList<CurveQuery> PlanQueries(StoppingContext context, IReadOnlyList<TrialCurve> reports) => PlanDecisions(context, reports).Queries;

    /// <inheritdoc />
    public SlotChoice ChooseSlot(StoppingContext context, IReadOnlyList<TrialCurve> paused, bool canStartNew, CancellationToken cancellationToken = default)
    {
        var plan = PlanSlot(context, paused);
        if (plan.Scale is null)
        {
            return canStartNew ? SlotChoice.StartNew("no value observed yet")
                : paused.Count > 0 ? SlotChoice.Resume(paused[0].TrialId, "no value observed yet and no new configuration may start")
                : SlotChoice.Idle("no paused trial and no new configuration may start");
        }

        var predictions = plan.Queries.Count > 0 ? _predictor.Predict(plan.Queries, cancellationToken) : [];
        double Probability(int k) => k < 0 ? 0 : predictions[k].AtEpoch[^1].ProbabilityAbove(plan.BestModel);
        double Improvement(int k) => k < 0 ? 0 : ExpectedImprovement(predictions[k].AtEpoch[^1], plan.BestModel);
        bool byEi = _options.Acquisition == FreezeThawAcquisition.ExpectedImprovement;
        double delta = Delta(context);

        var stopForGood = new List<long>();
        TrialCurve? pick = null;
        double pickScore = double.NegativeInfinity, pickP = 0;
        for (int i = 0; i < paused.Count; i++)
        {
            int k = plan.PausedQuery[i];
            double p = Probability(k);
            if (paused[i].Epoch >= _options.MinEpochs && p < delta)
            {
                stopForGood.Add(paused[i].TrialId);
                continue;
            }

            double score = byEi ? Improvement(k) : p;
            if (score > pickScore)
            {
                (pick, pickScore, pickP) = (paused[i], score, p);
            }
        }

        if (pick is null)
        {
            return canStartNew
                ? SlotChoice.StartNew("no paused trial can still beat the best", stopForGood)
                : SlotChoice.Idle("no paused trial can still beat the best and no new configuration may start", stopForGood);
        }

        string pickText = string.Create(CultureInfo.InvariantCulture, $"trial {pick.Number} at epoch {pick.Epoch}: P(beat best {plan.Best:G4}) = {pickP:0.####}{(byEi ? string.Create(CultureInfo.InvariantCulture, $", EI {pickScore:G3}") : "")}");
        if (!canStartNew)
        {
            return SlotChoice.Resume(pick.TrialId, $"{pickText}; no new configuration may start", stopForGood);
        }

        double bar;
        string against;
        if (_options.Acquisition == FreezeThawAcquisition.Threshold)
        {
            bar = _options.ResumeThreshold;
            against = string.Create(CultureInfo.InvariantCulture, $"the resume threshold {bar:0.###}");
        }
        else
        {
            // A new configuration is judged by the population it comes from: the mean over every trial started so far.
            double sum = 0;
            foreach (int k in plan.PopulationQuery)
            {
                sum += byEi ? Improvement(k) : Probability(k);
            }

            double fresh = plan.PopulationQuery.Count > 0 ? sum / plan.PopulationQuery.Count : 0;
            bar = _options.PopulationFactor * fresh;
            against = string.Create(CultureInfo.InvariantCulture, $"{_options.PopulationFactor:G3} × a new configuration's {(byEi ? "EI" : "P")} {fresh:G3} (mean over {plan.PopulationQuery.Count} trials)");
        }

        return pickScore >= bar
            ? SlotChoice.Resume(pick.TrialId, $"{pickText} ≥ {against}", stopForGood)
            : SlotChoice.StartNew($"{pickText} < {against}", stopForGood);
    }

    /// <summary>The predictor queries <see cref="ChooseSlot"/> would send, without sending them (see <see cref="PlanQueries"/>).</summary>
    public IReadOnlyList<CurveQuery> PlanSlotQueries(StoppingContext context, IReadOnlyList<TrialCurve> paused) => PlanSlot(context, paused).Queries;

    /// <summary>The δ in force: constant, or falling with the epochs every trial has trained so far (<see cref="FreezeThawOptions.StartDelta"/>).</summary>
    private double Delta(StoppingContext context)
    {
        if (_options.StartDelta is null)
        {
            return _options.Delta;
        }

        long spent = 0;
        foreach (var curve in context.Curves)
        {
            spent += curve.Epoch;
        }

        return _options.DeltaAfter(spent);
    }

    private static double ExpectedImprovement(IPredictiveDistribution final, double bestModel)
    {
        double sum = 0;
        for (int s = 0; s < EiSlices; s++)
        {
            sum += Math.Max(0, final.Quantile((s + 0.5) / EiSlices) - bestModel);
        }

        return sum / EiSlices;
    }

    private static (double Median, double Low, double High) Band(IPredictiveDistribution final, MetricScale scale, MetricDirection direction)
    {
        double median = scale.FromModel(final.Quantile(0.5));
        double q05 = scale.FromModel(final.Quantile(0.05));
        double q95 = scale.FromModel(final.Quantile(0.95));

        // Smaller-is-better metrics reverse the order when mapped back.
        return direction == MetricDirection.Maximize ? (median, q05, q95) : (median, q95, q05);
    }

    /// <summary>The final-epoch query for <paramref name="values"/>, or null with the reason when the model has nothing to predict.</summary>
    private static CurveQuery? FinalQuery(EpochMap map, MetricScale scale, IReadOnlyList<double> values, out string? why)
    {
        var observed = map.Observed(values, scale.ToModel);
        if (observed.Length == 0 || observed.Length >= map.ModelEpochs)
        {
            why = "no model epoch left to predict at this resolution";
            return null;
        }

        why = null;
        return new CurveQuery(observed, [map.ModelEpochs]);
    }

    private DecisionPlan PlanDecisions(StoppingContext context, IReadOnlyList<TrialCurve> reports)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reports);
        var queryOf = new int[reports.Count];
        var why = new string?[reports.Count];
        var queries = new List<CurveQuery>();
        Array.Fill(queryOf, -1);
        if (context.BestSoFar is not { } best)
        {
            Array.Fill(why, "no value observed yet");
            return new DecisionPlan(queryOf, why, queries, double.NaN, double.NaN, null);
        }

        var scale = MetricScale.For(context);
        var map = new EpochMap(context.MaxEpochs, _predictor.MaxEpochs);
        for (int i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            if (report.Epoch < _options.MinEpochs)
            {
                why[i] = $"epoch {report.Epoch} < minEpochs {_options.MinEpochs}";
            }
            else if (report.Epoch >= context.MaxEpochs)
            {
                why[i] = "final epoch reached";
            }
            else if (FinalQuery(map, scale, report.Values, out why[i]) is { } query)
            {
                queryOf[i] = queries.Count;
                queries.Add(query);
            }
        }

        return new DecisionPlan(queryOf, why, queries, best, scale.ToModel(best), scale);
    }

    private SlotPlan PlanSlot(StoppingContext context, IReadOnlyList<TrialCurve> paused)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(paused);
        var queries = new List<CurveQuery>();
        var pausedQuery = new int[paused.Count];
        var population = new List<int>();
        if (context.BestSoFar is not { } best)
        {
            return new SlotPlan(queries, pausedQuery, population, double.NaN, double.NaN, null);
        }

        var scale = MetricScale.For(context);
        var map = new EpochMap(context.MaxEpochs, _predictor.MaxEpochs);
        var byTrial = new Dictionary<long, int>();
        int QueryFor(TrialCurve curve)
        {
            if (byTrial.TryGetValue(curve.TrialId, out int known))
            {
                return known;
            }

            int k = -1;
            if (curve.Epoch < context.MaxEpochs && FinalQuery(map, scale, curve.Values, out _) is { } query)
            {
                k = queries.Count;
                queries.Add(query);
            }

            byTrial[curve.TrialId] = k;
            return k;
        }

        if (paused.Count > 0)
        {
            for (int i = 0; i < paused.Count; i++)
            {
                pausedQuery[i] = QueryFor(paused[i]);
            }

            // The population estimate is needed only when some paused trial competes with a new configuration.
            if (_options.Acquisition != FreezeThawAcquisition.Threshold)
            {
                foreach (var curve in context.Curves)
                {
                    if (curve.Epoch >= 1)
                    {
                        // A finished trial (or one the model cannot extend) cannot beat the best any more: it counts 0.
                        population.Add(QueryFor(curve));
                    }
                }
            }
        }

        return new SlotPlan(queries, pausedQuery, population, best, scale.ToModel(best), scale);
    }

    private sealed record DecisionPlan(int[] QueryOf, string?[] Why, List<CurveQuery> Queries, double Best, double BestModel, MetricScale? Scale);

    private sealed record SlotPlan(List<CurveQuery> Queries, int[] PausedQuery, List<int> PopulationQuery, double Best, double BestModel, MetricScale? Scale);
}
