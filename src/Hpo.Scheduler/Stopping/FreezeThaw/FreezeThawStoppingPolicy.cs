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
        if (_options.Acquisition == FreezeThawAcquisition.Rank)
        {
            return ChooseByRank(context, paused, canStartNew, plan, predictions, delta);
        }

        if (_options.Acquisition == FreezeThawAcquisition.Similar && canStartNew && ChooseBySimilar(context, paused, plan, predictions, delta) is { } similar)
        {
            return similar;
        }

        if (_options.Acquisition == FreezeThawAcquisition.Neighbors)
        {
            return ChooseByNeighbors(context, paused, canStartNew, plan, predictions, delta)
                ?? ChooseByRank(context, paused, canStartNew, plan, predictions, delta);
        }

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

    /// <summary>
    /// <see cref="FreezeThawAcquisition.Rank"/>: each paused trial that the δ rule keeps is ranked by the fraction of the
    /// started trials known to be better at its epoch; the best-ranked is resumed when that fraction is at most
    /// 1 − <see cref="FreezeThawOptions.ResumeQuantile"/>.
    /// </summary>
    private SlotChoice ChooseByRank(StoppingContext context, IReadOnlyList<TrialCurve> paused, bool canStartNew, SlotPlan plan, IReadOnlyList<CurvePrediction> predictions, double delta)
    {
        var stopForGood = new List<long>();
        var keep = new List<(TrialCurve Curve, double P)>();
        for (int i = 0; i < paused.Count; i++)
        {
            int k = plan.PausedQuery[i];
            double p = k < 0 ? 0 : predictions[k].AtEpoch[^1].ProbabilityAbove(plan.BestModel);
            if (paused[i].Epoch >= _options.MinEpochs && p < delta)
            {
                stopForGood.Add(paused[i].TrialId);
            }
            else
            {
                keep.Add((paused[i], p));
            }
        }

        if (keep.Count == 0)
        {
            return canStartNew
                ? SlotChoice.StartNew("no paused trial can still beat the best", stopForGood)
                : SlotChoice.Idle("no paused trial can still beat the best and no new configuration may start", stopForGood);
        }

        // Per epoch of a paused trial: every started trial's value there, sorted (trials short of it count as not better).
        var sortedAt = new Dictionary<int, double[]>();
        int started = 0;
        foreach (var curve in context.Curves)
        {
            if (curve.Epoch >= 1)
            {
                started++;
            }
        }

        bool better = context.Metric.Direction == MetricDirection.Maximize;
        TrialCurve? pick = null;
        double pickFraction = double.PositiveInfinity, pickP = 0;
        foreach (var (curve, p) in keep)
        {
            int e = curve.Epoch;
            if (!sortedAt.TryGetValue(e, out var values))
            {
                var list = new List<double>();
                foreach (var c in context.Curves)
                {
                    if (c.Epoch >= e)
                    {
                        list.Add(better ? c.Values[e - 1] : -c.Values[e - 1]);
                    }
                }

                values = [.. list];
                Array.Sort(values);
                sortedAt[e] = values;
            }

            double v = better ? curve.Values[e - 1] : -curve.Values[e - 1];
            int above = values.Length - UpperBound(values, v);
            double fraction = (double)above / Math.Max(1, started);
            if (fraction < pickFraction || (fraction == pickFraction && p > pickP))
            {
                (pick, pickFraction, pickP) = (curve, fraction, p);
            }
        }

        string pickText = string.Create(CultureInfo.InvariantCulture, $"trial {pick!.Number} at epoch {pick.Epoch}: {pickFraction:0.###} of {started} started trials better there, P(beat best {plan.Best:G4}) = {pickP:0.####}");
        if (!canStartNew)
        {
            return SlotChoice.Resume(pick.TrialId, $"{pickText}; no new configuration may start", stopForGood);
        }

        double bar = 1 - _options.ResumeQuantile;
        return pickFraction <= bar
            ? SlotChoice.Resume(pick.TrialId, string.Create(CultureInfo.InvariantCulture, $"{pickText} ≤ {bar:0.###}"), stopForGood)
            : SlotChoice.StartNew(string.Create(CultureInfo.InvariantCulture, $"{pickText} > {bar:0.###}"), stopForGood);
    }

    /// <summary>
    /// <see cref="FreezeThawAcquisition.Neighbors"/>, or null (fall back to <see cref="FreezeThawAcquisition.Rank"/>) when a
    /// kept paused trial has no configuration or too few trials ran past its epoch.
    /// </summary>
    private SlotChoice? ChooseByNeighbors(StoppingContext context, IReadOnlyList<TrialCurve> paused, bool canStartNew, SlotPlan plan, IReadOnlyList<CurvePrediction> predictions, double delta)
    {
        var stopForGood = new List<long>();
        var keep = new List<(TrialCurve Curve, double P)>();
        for (int i = 0; i < paused.Count; i++)
        {
            int k = plan.PausedQuery[i];
            double p = k < 0 ? 0 : predictions[k].AtEpoch[^1].ProbabilityAbove(plan.BestModel);
            if (paused[i].Epoch >= _options.MinEpochs && p < delta)
            {
                stopForGood.Add(paused[i].TrialId);
            }
            else
            {
                keep.Add((paused[i], p));
            }
        }

        if (keep.Count == 0 || keep.Any(c => c.Curve.Parameters is null))
        {
            return null;
        }

        // Numeric parameters, scaled to [0, 1] over the configurations seen (log-scaled where all positive and spanning a decade).
        var names = keep[0].Curve.Parameters!.Where(kv => kv.Value is double or long).Select(kv => kv.Key).ToArray();
        var withParameters = context.Curves.Where(c => c.Parameters is not null && c.Epoch >= 1).ToArray();
        int dims = names.Length;
        var lo = new double[dims];
        var hi = new double[dims];
        var log = new bool[dims];
        static double Raw(IReadOnlyDictionary<string, object> ps, string name) =>
            ps.TryGetValue(name, out var v) ? v switch { double d => d, long l => l, _ => double.NaN } : double.NaN;
        for (int d = 0; d < dims; d++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (var c in withParameters)
            {
                double x = Raw(c.Parameters!, names[d]);
                if (double.IsFinite(x))
                {
                    (min, max) = (Math.Min(min, x), Math.Max(max, x));
                }
            }

            log[d] = min > 0 && max >= 10 * min;
            (lo[d], hi[d]) = log[d] ? (Math.Log(min), Math.Log(max)) : (min, max);
        }

        double[] Features(IReadOnlyDictionary<string, object> ps)
        {
            var f = new double[dims];
            for (int d = 0; d < dims; d++)
            {
                double x = Raw(ps, names[d]);
                x = log[d] && x > 0 ? Math.Log(x) : x;
                f[d] = hi[d] > lo[d] && double.IsFinite(x) ? (x - lo[d]) / (hi[d] - lo[d]) : 0.5;
            }

            return f;
        }

        var features = new Dictionary<long, double[]>();
        foreach (var c in withParameters)
        {
            features[c.TrialId] = Features(c.Parameters!);
        }

        bool maximize = context.Metric.Direction == MetricDirection.Maximize;
        double sign = maximize ? 1 : -1;
        double best = sign * plan.Best;
        int neighbors = _options.Neighbors;
        int final = context.MaxEpochs;
        TrialCurve? pick = null;
        double pickPrediction = double.NegativeInfinity, pickP = 0;
        var nearest = new List<(double Distance, double Gain)>();
        foreach (var (curve, p) in keep)
        {
            int e = curve.Epoch;
            int far = Math.Min(final, Math.Max(16, 2 * e));
            var f = features[curve.TrialId];
            nearest.Clear();
            foreach (var c in withParameters)
            {
                if (c.Epoch < far || c.TrialId == curve.TrialId)
                {
                    continue;
                }

                double after = double.NegativeInfinity;
                for (int t = e; t < c.Epoch; t++)
                {
                    after = Math.Max(after, sign * c.Values[t]);
                }

                var g = features[c.TrialId];
                double dist = 0;
                for (int d = 0; d < dims; d++)
                {
                    dist += (f[d] - g[d]) * (f[d] - g[d]);
                }

                nearest.Add((dist, after - (sign * c.Values[e - 1])));
            }

            if (nearest.Count < neighbors)
            {
                return null;
            }

            nearest.Sort((a, b) => a.Distance.CompareTo(b.Distance));
            double gain = 0;
            for (int j = 0; j < neighbors; j++)
            {
                gain += nearest[j].Gain;
            }

            double prediction = (sign * curve.Values[e - 1]) + (gain / neighbors);
            if (prediction > pickPrediction || (prediction == pickPrediction && p > pickP))
            {
                (pick, pickPrediction, pickP) = (curve, prediction, p);
            }
        }

        string pickText = string.Create(CultureInfo.InvariantCulture, $"trial {pick!.Number} at epoch {pick.Epoch}: its {neighbors} nearest configurations predict {sign * pickPrediction:G4} (best {plan.Best:G4}), P = {pickP:0.####}");
        if (!canStartNew)
        {
            return SlotChoice.Resume(pick.TrialId, $"{pickText}; no new configuration may start", stopForGood);
        }

        return pickPrediction >= best + _options.ResumeMargin
            ? SlotChoice.Resume(pick.TrialId, $"{pickText}: resumed", stopForGood)
            : SlotChoice.StartNew($"{pickText}: a new configuration instead", stopForGood);
    }

    /// <summary>
    /// <see cref="FreezeThawAcquisition.Similar"/>, or null (decide as <see cref="FreezeThawAcquisition.Population"/>)
    /// when a paused trial's configuration is unknown.
    /// </summary>
    private SlotChoice? ChooseBySimilar(StoppingContext context, IReadOnlyList<TrialCurve> paused, SlotPlan plan, IReadOnlyList<CurvePrediction> predictions, double delta)
    {
        if (paused.Count == 0 || paused.Any(c => c.Parameters is null))
        {
            return null;
        }

        var stopForGood = new List<long>();
        var keep = new List<(TrialCurve Curve, double P)>();
        for (int i = 0; i < paused.Count; i++)
        {
            int q = plan.PausedQuery[i];
            double p = q < 0 ? 0 : predictions[q].AtEpoch[^1].ProbabilityAbove(plan.BestModel);
            if (paused[i].Epoch >= _options.MinEpochs && p < delta)
            {
                stopForGood.Add(paused[i].TrialId);
            }
            else
            {
                keep.Add((paused[i], p));
            }
        }

        if (keep.Count == 0)
        {
            return SlotChoice.StartNew("no paused trial can still beat the best", stopForGood);
        }

        double populationBar = double.NegativeInfinity;
        if (_options.SimilarOrder)
        {
            // Resume as often as the population rule would; the score only chooses which of its candidates.
            double sum = 0;
            foreach (int q in plan.PopulationQuery)
            {
                sum += q < 0 ? 0 : predictions[q].AtEpoch[^1].ProbabilityAbove(plan.BestModel);
            }

            populationBar = _options.PopulationFactor * (plan.PopulationQuery.Count > 0 ? sum / plan.PopulationQuery.Count : 0);
            keep.RemoveAll(c => c.P < populationBar);
            if (keep.Count == 0)
            {
                return SlotChoice.StartNew(string.Create(CultureInfo.InvariantCulture, $"no paused trial's P reaches {populationBar:G3} (population rule)"), stopForGood);
            }
        }

        var (features, epochs, bestOf) = ConfigurationFeatures(context, plan.Scale!, keep[0].Curve.Parameters!);
        int neighbors = _options.Neighbors;
        var nearD = new double[neighbors];
        var nearV = new double[neighbors];
        TrialCurve? pick = null;
        double pickScore = double.NegativeInfinity, pickP = 0, pickNear = 0;
        foreach (var (curve, p) in keep)
        {
            if (!features.TryGetValue(curve.TrialId, out var f))
            {
                continue;
            }

            int e = curve.Epoch, found = 0;
            foreach (var (id, g) in features)
            {
                if (id == curve.TrialId || epochs[id] < e)
                {
                    continue;
                }

                double dist = 0;
                for (int d = 0; d < f.Length; d++)
                {
                    dist += (f[d] - g[d]) * (f[d] - g[d]);
                }

                // Keep the nearest few, sorted by distance (insertion into a small buffer).
                if (found < neighbors || dist < nearD[found - 1])
                {
                    int j = found < neighbors ? found++ : found - 1;
                    while (j > 0 && nearD[j - 1] > dist)
                    {
                        nearD[j] = nearD[j - 1];
                        nearV[j] = nearV[j - 1];
                        j--;
                    }

                    nearD[j] = dist;
                    nearV[j] = bestOf[id];
                }
            }

            // The trial's own best counts too: the incumbent itself, paused, must not wait behind its worse neighbours.
            double near = bestOf[curve.TrialId];
            for (int j = 0; j < found; j++)
            {
                near = Math.Max(near, nearV[j]);
            }

            double score = near - plan.BestModel + (_options.SimilarWeight * p);
            if (_options.SimilarOrder && _options.SimilarFloor is { } floor && score < floor)
            {
                continue;
            }

            if (score > pickScore)
            {
                (pick, pickScore, pickP, pickNear) = (curve, score, p, near);
            }
        }

        if (pick is null)
        {
            return _options.SimilarOrder && _options.SimilarFloor is not null
                ? SlotChoice.StartNew("no paused trial's score reaches similarFloor", stopForGood)
                : null;
        }

        string text = string.Create(CultureInfo.InvariantCulture, $"trial {pick.Number} at epoch {pick.Epoch}: nearest configurations reached {plan.Scale!.FromModel(pickNear):G4} (best {plan.Best:G4}), P = {pickP:0.####}, score {pickScore:0.####}");
        return _options.SimilarOrder || pickScore >= _options.ResumeMargin
            ? SlotChoice.Resume(pick.TrialId, string.Create(CultureInfo.InvariantCulture, $"{text} ≥ {_options.ResumeMargin:G3}"), stopForGood)
            : SlotChoice.StartNew(string.Create(CultureInfo.InvariantCulture, $"{text} < {_options.ResumeMargin:G3}"), stopForGood);
    }

    /// <summary>
    /// Every started trial's numeric parameters scaled to [0, 1] over the configurations seen (log-scaled where all are
    /// positive and span a decade), its epoch, and its best value in model space.
    /// </summary>
    private static (Dictionary<long, double[]> Features, Dictionary<long, int> Epochs, Dictionary<long, double> Best) ConfigurationFeatures(StoppingContext context, MetricScale scale, IReadOnlyDictionary<string, object> like)
    {
        static double Raw(IReadOnlyDictionary<string, object> ps, string name) =>
            ps.TryGetValue(name, out var v) ? v switch { double d => d, long l => l, _ => double.NaN } : double.NaN;
        var names = like.Where(kv => kv.Value is double or long).Select(kv => kv.Key).ToArray();
        var curves = context.Curves.Where(c => c.Parameters is not null && c.Epoch >= 1).ToArray();
        int dims = names.Length;
        var lo = new double[dims];
        var hi = new double[dims];
        var log = new bool[dims];
        for (int d = 0; d < dims; d++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (var c in curves)
            {
                double x = Raw(c.Parameters!, names[d]);
                if (double.IsFinite(x))
                {
                    (min, max) = (Math.Min(min, x), Math.Max(max, x));
                }
            }

            log[d] = min > 0 && max >= 10 * min;
            (lo[d], hi[d]) = log[d] ? (Math.Log(min), Math.Log(max)) : (min, max);
        }

        var features = new Dictionary<long, double[]>(curves.Length);
        var epochs = new Dictionary<long, int>(curves.Length);
        var best = new Dictionary<long, double>(curves.Length);
        foreach (var c in curves)
        {
            var f = new double[dims];
            for (int d = 0; d < dims; d++)
            {
                double x = Raw(c.Parameters!, names[d]);
                x = log[d] && x > 0 ? Math.Log(x) : x;
                f[d] = hi[d] > lo[d] && double.IsFinite(x) ? (x - lo[d]) / (hi[d] - lo[d]) : 0.5;
            }

            double b = double.NegativeInfinity;
            foreach (double v in c.Values)
            {
                b = Math.Max(b, scale.ToModel(v));
            }

            features[c.TrialId] = f;
            epochs[c.TrialId] = c.Epoch;
            best[c.TrialId] = b;
        }

        return (features, epochs, best);
    }

    // The index of the first element greater than value in a sorted array.
    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
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
            if (_options.Acquisition is FreezeThawAcquisition.Population or FreezeThawAcquisition.ExpectedImprovement or FreezeThawAcquisition.Similar)
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
