namespace Hpo.Benchmarks.Throughput;

/// <summary>What <c>hpo bench dashboard</c> measured, in the order the JSON prints it.</summary>
/// <param name="Database">The provider and redacted connection.</param>
/// <param name="Trials">Trials in the experiment.</param>
/// <param name="Epochs">Epochs of an unstopped trial.</param>
/// <param name="Running">Running trials that record one epoch before each live poll.</param>
/// <param name="PageSize">Trials per page (the page's chart and table).</param>
/// <param name="Observations">Observations stored in the experiment.</param>
/// <param name="SeedSeconds">Time to write the experiment through the store's API.</param>
/// <param name="FirstPageLoad">The first page load of the dashboard process after a warm-up of the other endpoints: it reads the whole experiment into the dashboard's view.</param>
/// <param name="PageLoad">Opening the experiment page: its HTML, then the API calls its script makes, in parallel as a browser does.</param>
/// <param name="LivePoll">One refresh of the page after each running trial recorded an epoch (curves since the cursor).</param>
/// <param name="LivePollWithoutSummary">The same without the summary (the page asks for it on every poll; for comparison with earlier figures).</param>
/// <param name="QuietPoll">One refresh with nothing new.</param>
/// <param name="Endpoints">Each API call of a live poll on its own.</param>
/// <param name="Forecast">GET /api/trials/{id}/forecast: the first call (a forward pass) and the same curve again (the cache).</param>
/// <param name="AllCurves">For comparison: every trial's curve read in full, as the page used to do on every poll (pages of 500).</param>
internal sealed record DashboardBenchResult(
    string Database,
    int Trials,
    int Epochs,
    int Running,
    int PageSize,
    long Observations,
    double SeedSeconds,
    DashboardBenchResult.Figures FirstPageLoad,
    DashboardBenchResult.Figures PageLoad,
    DashboardBenchResult.Figures LivePoll,
    DashboardBenchResult.Figures LivePollWithoutSummary,
    DashboardBenchResult.Figures QuietPoll,
    IReadOnlyDictionary<string, DashboardBenchResult.Figures> Endpoints,
    DashboardBenchResult.ForecastFigures? Forecast,
    DashboardBenchResult.Figures AllCurves)
{
    /// <summary>Wall time and response bytes over the repetitions.</summary>
    /// <param name="Requests">HTTP requests per repetition.</param>
    /// <param name="Repetitions">How many times it was measured.</param>
    /// <param name="P50Milliseconds">Median wall time.</param>
    /// <param name="MaxMilliseconds">Slowest wall time.</param>
    /// <param name="BytesP50">Median response body bytes per repetition.</param>
    /// <param name="BytesMax">Largest response body bytes of a repetition.</param>
    internal sealed record Figures(int Requests, int Repetitions, double P50Milliseconds, double MaxMilliseconds, long BytesP50, long BytesMax);

    /// <summary>The forecast endpoint's latency.</summary>
    /// <param name="Model">The model's SHA-256.</param>
    /// <param name="ColdMilliseconds">First call for a curve: store reads and one forward pass.</param>
    /// <param name="CachedMilliseconds">The same curve again (median of the repetitions).</param>
    /// <param name="Bytes">Response body bytes.</param>
    internal sealed record ForecastFigures(string Model, double ColdMilliseconds, double CachedMilliseconds, long Bytes);
}
