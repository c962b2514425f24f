using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping.LcPfn;
using Hpo.Workers.Dashboard.Api;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard.Forecasts;

/// <summary>
/// The LC-PFN forecasts the dashboard draws, made with the model of <see cref="HpoDashboardOptions.ModelPath"/>:
/// metric values go into model space and back through the LC-PFN policy's own <see cref="MetricScale"/> and
/// <see cref="EpochMap"/>, every curve not yet cached in a call goes through one batched
/// <see cref="ICurvePredictor.Predict"/> (the predictor <see cref="ICurvePredictorLoader"/> loads: Hpo.LcPfn's <c>AddHpoLcPfn()</c>), and answers are cached by curve prefix (the model-space values and
/// everything else the answer depends on), so a poll that finds no new epoch costs no forward pass.
/// </summary>
/// <remarks>
/// With both metric bounds set (accuracy: 0 and 1) the mapping is the policy's exactly. Without them the policy
/// scales by every value the experiment observed; the dashboard, which reads one trial, scales by that trial's
/// values and the experiment's best value, so such a forecast can differ from the one the policy made.
/// </remarks>
internal sealed class DashboardForecaster : IDisposable
{
    /// <summary>The message of the API's <c>no_model</c> answer.</summary>
    public const string NoModelMessage =
        "This dashboard was started without an LC-PFN model, so it cannot forecast: start it with --model FILE or $HPO_LCPFN_MODEL " +
        "(hpo dashboard also finds models/lcpfn-default.lcpfn beside the app or in the current folder or a parent).";

    private readonly ICurvePredictor? _predictor;
    private readonly ConcurrentDictionary<string, ForecastResponse> _cache = new(StringComparer.Ordinal);
    private readonly int _cacheSize;
    private long _forwardPasses;

    public DashboardForecaster(IOptions<HpoDashboardOptions> options, ICurvePredictorLoader? loader = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        HpoDashboardOptions settings = options.Value;
        _cacheSize = settings.ForecastCacheSize;
        if (settings.ModelPath is { } path)
        {
            using (FileStream stream = File.OpenRead(path))
            {
                ModelSha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
            }

            ModelFileName = Path.GetFileName(path);
            _predictor = (loader ?? throw new InvalidOperationException(
                "The dashboard has a model path but no ICurvePredictorLoader to load it: register the LC-PFN with services.AddHpoLcPfn() (Hpo.LcPfn).")).Load(path);
        }
    }

    /// <summary>Whether a model is loaded.</summary>
    public bool Available => _predictor is not null;

    /// <summary>The SHA-256 of the model file (lowercase hex), or null without a model.</summary>
    public string? ModelSha256 { get; }

    /// <summary>The model file's name, or null without a model.</summary>
    public string? ModelFileName { get; }

    /// <summary>The model's horizon in epochs, or null without a model.</summary>
    public int? ModelMaxEpochs => _predictor?.MaxEpochs;

    /// <summary>How many predictor calls were made (each one batched forward pass or a few); a test reads it to see the cache work.</summary>
    public long PredictorCalls => Interlocked.Read(ref _forwardPasses);

    /// <summary>What <c>GET /api/model</c> answers.</summary>
    public ForecastModelResponse Describe() => Available
        ? new ForecastModelResponse(true, ModelSha256, ModelFileName, ModelMaxEpochs, null)
        : new ForecastModelResponse(false, null, null, null, NoModelMessage);

    /// <summary>Forecasts every input, answering uncached curves with one batched predictor call.</summary>
    /// <exception cref="InvalidOperationException">No model is loaded (check <see cref="Available"/> first).</exception>
    public IReadOnlyList<ForecastResponse> Forecast(IReadOnlyList<ForecastInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ICurvePredictor predictor = _predictor ?? throw new InvalidOperationException(NoModelMessage);
        string model = ModelSha256!;
        var results = new ForecastResponse[inputs.Count];
        var plans = new List<(int Index, Plan Plan)>();
        for (int i = 0; i < inputs.Count; i++)
        {
            Plan plan = PlanOf(inputs[i], predictor.MaxEpochs);
            if (plan.QueryEpochs.Length == 0)
            {
                results[i] = new ForecastResponse(inputs[i].TrialId, inputs[i].Values.Count, [], [], [], [], [], [], [], null, inputs[i].BestValue, model);
            }
            else if (_cache.TryGetValue(plan.Key, out ForecastResponse? cached))
            {
                results[i] = cached with { TrialId = inputs[i].TrialId };
            }
            else
            {
                plans.Add((i, plan));
            }
        }

        if (plans.Count > 0)
        {
            Interlocked.Increment(ref _forwardPasses);
            IReadOnlyList<CurvePrediction> predictions = predictor.Predict(
                plans.Select(p => new CurveQuery(p.Plan.Observed, p.Plan.QueryEpochs)).ToList(),
                cancellationToken);
            if (_cache.Count + plans.Count > _cacheSize)
            {
                // Bounded without bookkeeping: a full cache starts over; the curves on screen refill it in one batch.
                _cache.Clear();
            }

            for (int k = 0; k < plans.Count; k++)
            {
                (int index, Plan plan) = plans[k];
                ForecastResponse response = ToResponse(inputs[index], plan, predictions[k], model);
                _cache.TryAdd(plan.Key, response);
                results[index] = response;
            }
        }

        return results;
    }

    /// <inheritdoc />
    public void Dispose() => (_predictor as IDisposable)?.Dispose();

    private static Plan PlanOf(ForecastInput input, int modelEpochs)
    {
        // The scale's estimated bounds (when the experiment has none) include the best value, so that the
        // probability of beating it is measured inside the range the model sees.
        IEnumerable<double> seen = input.BestValue is { } best ? input.Values.Append(best) : input.Values;
        var scale = new MetricScale(input.Metric, seen);
        var map = new EpochMap(input.Metric.MaxEpochs, modelEpochs);
        double[] observed = input.Values.Count == 0 ? [] : map.Observed(input.Values, scale.ToModel);
        int[] queryEpochs = observed.Length == 0 || observed.Length >= map.ModelEpochs
            ? []
            : Enumerable.Range(observed.Length + 1, map.ModelEpochs - observed.Length).ToArray();
        double? bestModel = input.BestValue is { } b && double.IsFinite(b) ? scale.ToModel(b) : null;

        var key = new StringBuilder();
        key.Append(CultureInfo.InvariantCulture, $"{input.Metric.Direction}|{input.Metric.MaxEpochs}|{scale.Lower:R}|{scale.Upper:R}|{bestModel:R}|{input.BestValue:R}|{input.Values.Count}|");
        foreach (double v in observed)
        {
            key.Append(v.ToString("R", CultureInfo.InvariantCulture)).Append(',');
        }

        return new Plan(key.ToString(), scale, map, observed, queryEpochs, bestModel);
    }

    private static ForecastResponse ToResponse(ForecastInput input, Plan plan, CurvePrediction prediction, string model)
    {
        bool maximize = input.Metric.Direction == MetricDirection.Maximize;
        int n = prediction.Epochs.Count;
        var epochs = new int[n];
        var mean = new double[n];
        var q05 = new double[n];
        var q25 = new double[n];
        var q50 = new double[n];
        var q75 = new double[n];
        var q95 = new double[n];
        // A smaller-is-better metric maps model space backwards, so its q-quantile is the model's (1 − q)-quantile.
        double Quantile(IPredictiveDistribution d, double q) => plan.Scale.FromModel(d.Quantile(maximize ? q : 1 - q));
        for (int i = 0; i < n; i++)
        {
            IPredictiveDistribution d = prediction.AtEpoch[i];
            epochs[i] = plan.Map.RunEpoch(prediction.Epochs[i]);
            mean[i] = plan.Scale.FromModel(d.Mean);
            q05[i] = Quantile(d, 0.05);
            q25[i] = Quantile(d, 0.25);
            q50[i] = Quantile(d, 0.5);
            q75[i] = Quantile(d, 0.75);
            q95[i] = Quantile(d, 0.95);
        }

        double? pBeatBest = plan.BestModel is { } bestModel ? prediction.AtEpoch[^1].ProbabilityAbove(bestModel) : null;
        return new ForecastResponse(input.TrialId, input.Values.Count, epochs, mean, q05, q25, q50, q75, q95, pBeatBest, input.BestValue, model);
    }

    private sealed record Plan(string Key, MetricScale Scale, EpochMap Map, double[] Observed, int[] QueryEpochs, double? BestModel);
}
