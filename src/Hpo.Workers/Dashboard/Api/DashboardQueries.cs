using System.Globalization;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Workers.Dashboard.Changes;
using Hpo.Workers.Dashboard.Forecasts;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// Reads what the pages and the API show, only through <see cref="IExperimentStore"/>; never writes.
/// Methods return null when the experiment or trial asked for does not exist.
/// </summary>
internal sealed class DashboardQueries(IExperimentStore store, DashboardForecaster forecaster, ExperimentViews views)
{
    /// <summary>How many trials are read per store call when a whole experiment is needed.</summary>
    public const int StoreBatchSize = 500;

    /// <summary>
    /// The most <see cref="TrialEndResponse"/> entries a summary carries: past it, trial ends are counted in this
    /// many equal spans of the epochs-spent axis, so the summary's size does not grow with the number of trials.
    /// </summary>
    public const int MaxTrialEnds = 200;

    public async Task<PageResponse<ExperimentResponse>> ListExperimentsAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        Page<ExperimentRecord> experiments = await store.ListExperimentsAsync(page.Page, page.PageSize, cancellationToken);
        var items = new List<ExperimentResponse>(experiments.Items.Count);
        foreach (ExperimentRecord experiment in experiments.Items)
        {
            items.Add(ExperimentResponse.From(experiment, await store.GetBestValueAsync(experiment.Id, cancellationToken)));
        }

        return PageResponse<ExperimentResponse>.Create(items, page.Page, page.PageSize, experiments.TotalCount);
    }

    public async Task<ExperimentDetailResponse?> GetExperimentAsync(long experimentId, CancellationToken cancellationToken = default)
    {
        ExperimentRecord? experiment = await store.GetExperimentAsync(experimentId, cancellationToken);
        return experiment is null ? null : ExperimentDetailResponse.From(experiment, await store.GetBestValueAsync(experimentId, cancellationToken));
    }

    public async Task<PageResponse<TrialResponse>?> ListTrialsAsync(long experimentId, PageRequest page, TrialStatus? status, CancellationToken cancellationToken = default)
    {
        if (await store.GetExperimentAsync(experimentId, cancellationToken) is null)
        {
            return null;
        }

        Page<TrialRecord> trials = await store.ListTrialsAsync(experimentId, page.Page, page.PageSize, status, cancellationToken);
        return PageResponse<TrialResponse>.Create(trials.Items.Select(TrialResponse.From).ToList(), page.Page, page.PageSize, trials.TotalCount);
    }

    /// <summary>
    /// The curves of one page of trials from the experiment's <see cref="ExperimentView"/>, brought up to date from the
    /// change feed first; with <paramref name="since"/> (a cursor that view handed out), only the epochs, pauses and
    /// latest decisions that arrived after it. A cursor of another view (another process) is answered with a full read.
    /// </summary>
    public async Task<CurvePageResponse?> ListCurvesAsync(long experimentId, PageRequest page, TrialStatus? status, string? since = null, CancellationToken cancellationToken = default)
    {
        ExperimentRecord? experiment = await store.GetExperimentAsync(experimentId, cancellationToken);
        if (experiment is null)
        {
            return null;
        }

        Page<TrialRecord> trials = await store.ListTrialsAsync(experimentId, page.Page, page.PageSize, status, cancellationToken);
        int maxEpochs = experiment.Spec.MaxEpochs;
        var (items, cursor, after) = await views.ReadAsync(store, experiment, view =>
        {
            long? sinceVersion = since is not null && since.StartsWith(view.Token + ".", StringComparison.Ordinal)
                ? long.Parse(since.AsSpan(view.Token.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture)
                : null;
            var curves = new List<CurveResponse>(trials.Items.Count);
            foreach (TrialRecord trial in trials.Items)
            {
                TrialView? known = view.Trial(trial.Id);
                long from = sinceVersion ?? -1;
                var points = known is null ? [] : known.Epochs.Where(e => e.Value.Version > from).Select(e => (e.Key, e.Value.Value)).ToList();
                var pauses = known is null ? [] : known.Pauses.Where(p => p.Value > from).Select(p => p.Key).ToList();
                DecisionRecord? latest = known is not null && known.LatestVersion > from ? known.Latest : null;
                var last = known is null || known.Epochs.Count == 0 ? ((int, double)?)null : (known.LastEpoch, known.Epochs[known.LastEpoch].Value);
                curves.Add(BuildCurve(trial, points, last, maxEpochs, latest, pauses));
            }

            return (curves, string.Create(CultureInfo.InvariantCulture, $"{view.Token}.{view.Version}"), sinceVersion);
        }, cancellationToken);

        var result = PageResponse<CurveResponse>.Create(items, page.Page, page.PageSize, trials.TotalCount);
        return new CurvePageResponse(result.Items, result.Page, result.PageSize, result.TotalCount, result.TotalPages, cursor, after is null ? null : since);
    }

    /// <summary>Whether <paramref name="text"/> has the shape of a cursor (<see cref="CurvePageResponse.Cursor"/>): 8 hex digits, a dot, a number.</summary>
    public static bool IsCursor(string text)
    {
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot == 8 && text.AsSpan(0, 8).ContainsAnyExcept("0123456789abcdef") is false &&
            long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>
    /// The SHA-256 of the LC-PFN model that took the trial's latest model-backed decision, or null when no such
    /// decision exists (another policy, or none yet). The forecast must come from that model: a dashboard started
    /// with another one would show a belief the scheduler never held.
    /// </summary>
    public async Task<string?> GetDecidingModelAsync(long trialId, CancellationToken cancellationToken = default)
    {
        var decisions = await store.GetDecisionsAsync(trialId, cancellationToken);
        return decisions.LastOrDefault(d => d.ModelSha256 is not null)?.ModelSha256;
    }

    /// <summary>The LC-PFN's forecast for the trial; null when the trial does not exist. Needs <see cref="DashboardForecaster.Available"/>.</summary>
    public async Task<ForecastResponse?> GetForecastAsync(long trialId, CancellationToken cancellationToken = default)
    {
        TrialRecord? trial = await store.GetTrialAsync(trialId, cancellationToken);
        ExperimentRecord? experiment = trial is null ? null : await store.GetExperimentAsync(trial.ExperimentId, cancellationToken);
        if (trial is null || experiment is null)
        {
            return null;
        }

        var curves = await store.GetCurvesAsync([trial.Id], cancellationToken);
        // The model reads epochs 1..k without a gap: the forecast is conditioned on the longest such prefix.
        var values = new List<double>();
        foreach (ObservationRecord o in (curves.GetValueOrDefault(trial.Id) ?? []).OrderBy(o => o.Epoch))
        {
            if (o.Epoch != values.Count + 1 || !double.IsFinite(o.Value))
            {
                break;
            }

            values.Add(o.Value);
        }

        double? best = DashboardJson.Finite(await store.GetBestValueAsync(experiment.Id, cancellationToken));
        var input = new ForecastInput(trial.Id, MetricSettings.From(experiment.Spec), values, best);
        return forecaster.Forecast([input], cancellationToken)[0];
    }

    public async Task<TrialResponse?> GetTrialAsync(long trialId, CancellationToken cancellationToken = default)
    {
        TrialRecord? trial = await store.GetTrialAsync(trialId, cancellationToken);
        return trial is null ? null : TrialResponse.From(trial);
    }

    public async Task<CurveResponse?> GetTrialCurveAsync(long trialId, CancellationToken cancellationToken = default)
    {
        TrialRecord? trial = await store.GetTrialAsync(trialId, cancellationToken);
        if (trial is null)
        {
            return null;
        }

        ExperimentRecord? experiment = await store.GetExperimentAsync(trial.ExperimentId, cancellationToken);
        if (experiment is null)
        {
            return null;
        }

        var curves = await store.GetCurvesAsync([trial.Id], cancellationToken);
        IReadOnlyList<DecisionRecord> decisions = await store.GetDecisionsAsync(trial.Id, cancellationToken);
        var points = (curves.GetValueOrDefault(trial.Id) ?? []).Select(o => (o.Epoch, o.Value)).ToList();
        var last = points.Count == 0 ? ((int, double)?)null : points.MaxBy(p => p.Epoch);
        var pauses = decisions.Where(d => d.Action == DecisionAction.Pause).Select(d => d.Epoch).ToList();
        return BuildCurve(trial, points, last, experiment.Spec.MaxEpochs, decisions.MaxBy(d => d.Epoch), pauses);
    }

    public async Task<PageResponse<DecisionResponse>?> ListDecisionsAsync(long trialId, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (await store.GetTrialAsync(trialId, cancellationToken) is null)
        {
            return null;
        }

        IReadOnlyList<DecisionRecord> decisions = await store.GetDecisionsAsync(trialId, cancellationToken);
        var items = decisions
            .OrderBy(d => d.Epoch)
            .Skip((int)Math.Min(int.MaxValue, ((long)page.Page - 1) * page.PageSize))
            .Take(page.PageSize)
            .Select(DecisionResponse.From)
            .ToList();
        return PageResponse<DecisionResponse>.Create(items, page.Page, page.PageSize, decisions.Count);
    }

    public async Task<ExperimentSummaryResponse?> GetSummaryAsync(long experimentId, CancellationToken cancellationToken = default)
    {
        ExperimentRecord? experiment = await store.GetExperimentAsync(experimentId, cancellationToken);
        if (experiment is null)
        {
            return null;
        }

        int maxEpochs = experiment.Spec.MaxEpochs;
        IReadOnlyList<TrialStatusCount> tallies = await store.CountTrialsAsync(experimentId, cancellationToken);
        int Count(TrialStatus status) => tallies.FirstOrDefault(t => t.Status == status)?.Trials ?? 0;
        var counts = new TrialCountsResponse(
            tallies.Sum(t => t.Trials),
            Count(TrialStatus.Pending),
            Count(TrialStatus.Running),
            Count(TrialStatus.Completed),
            Count(TrialStatus.Stopped),
            Count(TrialStatus.Failed),
            Count(TrialStatus.Paused));
        long spent = tallies.Sum(t => t.Epochs);
        long saved = tallies.Where(t => t.Status == TrialStatus.Stopped).Sum(t => Math.Max(0, ((long)t.Trials * maxEpochs) - t.Epochs));
        double savedPercent = spent + saved == 0 ? 0 : Math.Round(100.0 * saved / (spent + saved), 2);

        return await views.ReadAsync(store, experiment, view => new ExperimentSummaryResponse(
            experimentId,
            experiment.Spec.Direction,
            maxEpochs,
            view.BestValue,
            view.BestTrial?.Id,
            view.BestTrial?.Number,
            counts,
            spent,
            saved,
            savedPercent,
            BestSoFar(view),
            Bucketed(view.Marks(maxEpochs), view.EpochsSpent)), cancellationToken);
    }

    /// <summary>
    /// The curve (<paramref name="points"/>: all, or in an incremental read the new ones) and, for a running, paused or
    /// stopped trial, the forecast of <paramref name="latest"/> (its latest decision, when it carries one; in an
    /// incremental read only when it is new) from the trial's last observed epoch <paramref name="last"/>.
    /// </summary>
    internal static CurveResponse BuildCurve(TrialRecord trial, IReadOnlyList<(int Epoch, double Value)> points, (int Epoch, double Value)? last, int maxEpochs, DecisionRecord? latest, IReadOnlyList<int> pauses)
    {
        var shown = points
            .Where(p => double.IsFinite(p.Value))
            .OrderBy(p => p.Epoch)
            .Select(p => new CurvePointResponse(p.Epoch, p.Value))
            .ToList();
        PredictionResponse? prediction = null;
        if (HasForecast(trial.Status) && latest is not null && last is { } from && double.IsFinite(from.Value) && from.Epoch < maxEpochs &&
            DashboardJson.Finite(latest.PredictedMedian) is { } median &&
            DashboardJson.Finite(latest.PredictedLow) is { } low &&
            DashboardJson.Finite(latest.PredictedHigh) is { } high)
        {
            prediction = new PredictionResponse(
                from.Epoch,
                from.Value,
                maxEpochs,
                median,
                Math.Min(low, high),
                Math.Max(low, high),
                DashboardJson.Finite(latest.ProbabilityOfImprovement),
                latest.Epoch,
                latest.Policy,
                latest.Action);
        }

        return new CurveResponse(trial.Id, trial.Number, trial.Status, trial.LastEpoch, shown, prediction, [.. pauses.Order()]);
    }

    private static bool HasForecast(TrialStatus status) => status is TrialStatus.Running or TrialStatus.Stopped or TrialStatus.Paused;

    private static List<BestSoFarPointResponse> BestSoFar(ExperimentView view)
    {
        var points = view.BestSoFar.ToList();
        if (points.Count > 0 && points[^1].EpochsSpent < view.EpochsSpent)
        {
            // Carry the best to the epochs spent now, so the step line reaches the present.
            points.Add(points[^1] with { EpochsSpent = view.EpochsSpent });
        }

        return points;
    }

    /// <summary>
    /// The marks of the best-so-far chart in axis order; past <see cref="MaxTrialEnds"/> of them, counts per span of
    /// the axis and kind instead, so the summary's size does not grow with the number of trials.
    /// </summary>
    private static List<TrialEndResponse> Bucketed(List<TrialEndResponse> ends, long spent)
    {
        ends.Sort((a, b) => a.EpochsSpent != b.EpochsSpent ? a.EpochsSpent.CompareTo(b.EpochsSpent) : string.CompareOrdinal(a.Action, b.Action));
        if (ends.Count <= MaxTrialEnds)
        {
            return ends;
        }

        double width = Math.Max(1.0, (double)spent / (MaxTrialEnds / 2));
        return ends
            .GroupBy(e => (Span: (long)((e.EpochsSpent - 1) / width), e.Action))
            .OrderBy(g => g.Key.Span).ThenBy(g => g.Key.Action, StringComparer.Ordinal)
            .Select(g => new TrialEndResponse(Math.Min(spent, (long)Math.Round((g.Key.Span + 0.5) * width)), null, null, null, g.Key.Action, g.Count()))
            .ToList();
    }
}
