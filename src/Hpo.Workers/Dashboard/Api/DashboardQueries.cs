using System.Globalization;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.Stopping;
using Hpo.Workers.Dashboard.Forecasts;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// Reads what the pages and the API show, only through <see cref="IExperimentStore"/>; never writes.
/// Methods return null when the experiment or trial asked for does not exist.
/// </summary>
internal sealed class DashboardQueries(IExperimentStore store, DashboardForecaster forecaster, TimeProvider time)
{
    /// <summary>How many trials are read per store call when a whole experiment is needed.</summary>
    public const int StoreBatchSize = 500;

    /// <summary>
    /// How long after its timestamp a row is assumed to be visible. Observations and decisions carry the writing
    /// worker's clock and may commit a little after it, so a cursor at the newest row read would miss a row a slow
    /// or skewed worker commits late: the cursor a read answers stays this far behind the server's clock, and the
    /// rows of that span come again in the next read (clients merge them by trial and epoch); once the newest row
    /// is older than the overlap, the cursor is exactly it and a quiet poll reads nothing. A row later still is
    /// caught by the page: a trial whose <c>lastEpoch</c> it holds no point for, or whose points have a gap, makes
    /// its next poll read the page in full.
    /// </summary>
    public static readonly TimeSpan CursorOverlap = TimeSpan.FromSeconds(5);

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

    public async Task<CurvePageResponse?> ListCurvesAsync(long experimentId, PageRequest page, TrialStatus? status, DateTimeOffset? since = null, CancellationToken cancellationToken = default)
    {
        ExperimentRecord? experiment = await store.GetExperimentAsync(experimentId, cancellationToken);
        if (experiment is null)
        {
            return null;
        }

        Page<TrialRecord> trials = await store.ListTrialsAsync(experimentId, page.Page, page.PageSize, status, cancellationToken);
        var ids = trials.Items.Select(t => t.Id).ToList();
        DateTimeOffset? after = since;
        DateTimeOffset readAt = time.GetUtcNow();
        // One read for the page's observations and one for its decisions, whatever the page size.
        var curves = after is { } a ? await store.GetCurvesAsync(ids, a, cancellationToken) : await store.GetCurvesAsync(ids, cancellationToken);
        var decisions = await store.GetDecisionsAsync(ids, after, cancellationToken);
        DateTimeOffset? newest = null;
        var items = new List<CurveResponse>(trials.Items.Count);
        foreach (TrialRecord trial in trials.Items)
        {
            IReadOnlyList<ObservationRecord> observations = curves.GetValueOrDefault(trial.Id) ?? [];
            IReadOnlyList<DecisionRecord> trialDecisions = decisions.GetValueOrDefault(trial.Id) ?? [];
            newest = Later(newest, observations.Select(o => o.RecordedAt));
            newest = Later(newest, trialDecisions.Select(d => d.DecidedAt));
            items.Add(BuildCurve(trial, observations, experiment.Spec.MaxEpochs, trialDecisions));
        }

        // Rows newer than the overlap may still have company on its way: the next read starts before them.
        DateTimeOffset? cursor = newest is { } n ? Later(since, [n < readAt - CursorOverlap ? n : readAt - CursorOverlap]) : since;
        var result = PageResponse<CurveResponse>.Create(items, page.Page, page.PageSize, trials.TotalCount);
        return new CurvePageResponse(result.Items, result.Page, result.PageSize, result.TotalCount, result.TotalPages, FormatCursor(cursor), FormatCursor(since));
    }

    /// <summary>Reads a <c>since</c> cursor (an ISO 8601 time with offset, as <see cref="CurvePageResponse.Cursor"/> gives it).</summary>
    public static bool TryParseCursor(string text, out DateTimeOffset cursor) =>
        DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out cursor);

    /// <summary>The LC-PFN's forecast for the trial; null when the trial does not exist. Needs <see cref="DashboardForecaster.Available"/>.</summary>
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
        IReadOnlyList<DecisionRecord> decisions = HasForecast(trial.Status) ? await store.GetDecisionsAsync(trial.Id, cancellationToken) : [];
        return BuildCurve(trial, curves.GetValueOrDefault(trial.Id) ?? [], experiment.Spec.MaxEpochs, decisions);
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
        bool maximize = experiment.Spec.Direction == MetricDirection.Maximize;
        var trials = new List<TrialRecord>();
        var observations = new List<ObservationRecord>();
        for (int pageNumber = 1; ; pageNumber++)
        {
            Page<TrialRecord> batch = await store.ListTrialsAsync(experimentId, pageNumber, StoreBatchSize, status: null, cancellationToken);
            trials.AddRange(batch.Items);
            if (batch.Items.Count > 0)
            {
                var curves = await store.GetCurvesAsync(batch.Items.Select(t => t.Id).ToList(), cancellationToken);
                observations.AddRange(curves.Values.SelectMany(c => c));
            }

            if (batch.Items.Count < StoreBatchSize || trials.Count >= batch.TotalCount)
            {
                break;
            }
        }

        var counts = new TrialCountsResponse(
            trials.Count,
            trials.Count(t => t.Status == TrialStatus.Pending),
            trials.Count(t => t.Status == TrialStatus.Running),
            trials.Count(t => t.Status == TrialStatus.Completed),
            trials.Count(t => t.Status == TrialStatus.Stopped),
            trials.Count(t => t.Status == TrialStatus.Failed));
        long spent = trials.Sum(t => (long)t.LastEpoch);
        long saved = trials.Where(t => t.Status == TrialStatus.Stopped).Sum(t => (long)Math.Max(0, maxEpochs - t.LastEpoch));
        double savedPercent = spent + saved == 0 ? 0 : Math.Round(100.0 * saved / (spent + saved), 2);

        TrialRecord? bestTrial = trials
            .Where(t => t.BestValue is { } v && double.IsFinite(v))
            .OrderBy(t => maximize ? -t.BestValue!.Value : t.BestValue!.Value)
            .ThenBy(t => t.Number)
            .FirstOrDefault();
        double? bestValue = DashboardJson.Finite(await store.GetBestValueAsync(experimentId, cancellationToken)) ?? bestTrial?.BestValue;

        return new ExperimentSummaryResponse(
            experimentId,
            experiment.Spec.Direction,
            maxEpochs,
            bestValue,
            bestTrial?.Id,
            bestTrial?.Number,
            counts,
            spent,
            saved,
            savedPercent,
            BestSoFar(observations, trials, maximize),
            TrialEnds(observations, trials));
    }

    /// <summary>
    /// The curve and, for a running or stopped trial, the forecast of the latest of <paramref name="decisions"/> (when
    /// that decision carries one). In an incremental read both hold only what is newer than the cursor.
    /// </summary>
    internal static CurveResponse BuildCurve(TrialRecord trial, IReadOnlyList<ObservationRecord> observations, int maxEpochs, IReadOnlyList<DecisionRecord> decisions)
    {
        var points = observations
            .Where(o => double.IsFinite(o.Value))
            .OrderBy(o => o.Epoch)
            .Select(o => new CurvePointResponse(o.Epoch, o.Value))
            .ToList();
        PredictionResponse? prediction = null;
        DecisionRecord? latest = decisions.MaxBy(d => d.Epoch);
        if (HasForecast(trial.Status) && latest is not null && points.Count > 0 && points[^1].Epoch < maxEpochs &&
            DashboardJson.Finite(latest.PredictedMedian) is { } median &&
            DashboardJson.Finite(latest.PredictedLow) is { } low &&
            DashboardJson.Finite(latest.PredictedHigh) is { } high)
        {
            CurvePointResponse last = points[^1];
            prediction = new PredictionResponse(
                last.Epoch,
                last.Value,
                maxEpochs,
                median,
                Math.Min(low, high),
                Math.Max(low, high),
                DashboardJson.Finite(latest.ProbabilityOfImprovement),
                latest.Epoch,
                latest.Policy,
                latest.Action);
        }

        return new CurveResponse(trial.Id, trial.Number, trial.Status, trial.LastEpoch, points, prediction);
    }

    private static bool HasForecast(TrialStatus status) => status is TrialStatus.Running or TrialStatus.Stopped;

    private static List<BestSoFarPointResponse> BestSoFar(List<ObservationRecord> observations, List<TrialRecord> trials, bool maximize)
    {
        var numbers = trials.ToDictionary(t => t.Id, t => t.Number);
        var points = new List<BestSoFarPointResponse>();
        double best = double.NaN;
        long bestTrialId = 0;
        long spent = 0;
        foreach (ObservationRecord o in observations.OrderBy(o => o.RecordedAt).ThenBy(o => o.TrialId).ThenBy(o => o.Epoch))
        {
            spent++;
            if (!double.IsFinite(o.Value))
            {
                continue;
            }

            if (double.IsNaN(best) || (maximize ? o.Value > best : o.Value < best))
            {
                best = o.Value;
                bestTrialId = o.TrialId;
                points.Add(new BestSoFarPointResponse(spent, best, bestTrialId, numbers.GetValueOrDefault(bestTrialId)));
            }
        }

        if (points.Count > 0 && points[^1].EpochsSpent < spent)
        {
            // Carry the best to the epochs spent now, so the step line reaches the present.
            points.Add(new BestSoFarPointResponse(spent, best, bestTrialId, numbers.GetValueOrDefault(bestTrialId)));
        }

        return points;
    }

    private static DateTimeOffset? Later(DateTimeOffset? cursor, IEnumerable<DateTimeOffset> times)
    {
        foreach (DateTimeOffset t in times)
        {
            if (cursor is null || t > cursor)
            {
                cursor = t;
            }
        }

        return cursor;
    }

    private static string? FormatCursor(DateTimeOffset? cursor) => cursor?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>
    /// Where each stopped or completed trial recorded its last epoch, counted in epochs spent over all trials (the
    /// best-so-far chart's axis); past <see cref="MaxTrialEnds"/> ends, counts per span and kind instead.
    /// </summary>
    private static List<TrialEndResponse> TrialEnds(List<ObservationRecord> observations, List<TrialRecord> trials)
    {
        var ended = trials.Where(t => t.Status is TrialStatus.Stopped or TrialStatus.Completed && t.LastEpoch > 0).ToDictionary(t => t.Id);
        var ends = new List<TrialEndResponse>();
        long spent = 0;
        foreach (ObservationRecord o in observations.OrderBy(o => o.RecordedAt).ThenBy(o => o.TrialId).ThenBy(o => o.Epoch))
        {
            spent++;
            if (ended.TryGetValue(o.TrialId, out TrialRecord? trial) && o.Epoch == trial.LastEpoch)
            {
                ends.Add(new TrialEndResponse(spent, trial.Id, trial.Number, trial.LastEpoch, trial.Status == TrialStatus.Stopped ? "stop" : "complete", 1));
            }
        }

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
