using Hpo.Scheduler.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard.Pages;

/// <summary>The HTML pages: the experiments list, one experiment, one trial; and their assets.</summary>
internal static class DashboardPageEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, string? hangfirePath)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];

        endpoints.MapMethods(DashboardAssets.BasePath + "/{name}", methods, (string name, HttpContext context) => DashboardAssets.Serve(name, context));

        endpoints.MapMethods("/", methods, (IOptions<HpoDashboardOptions> options) =>
            Page(options.Value, hangfirePath, "Experiments", "experiments", new Dictionary<string, string>(), """
                <h1>Experiments</h1>
                <div id="experiments" class="table-region"><p class="muted">Loading experiments…</p></div>
                """));

        endpoints.MapMethods("/experiments/{experimentId:long}", methods, async (long experimentId, IExperimentStore store, IOptions<HpoDashboardOptions> options, HttpContext http) =>
        {
            ExperimentRecord? experiment = await store.GetExperimentAsync(experimentId, http.RequestAborted);
            if (experiment is null)
            {
                return NotFound(options.Value, hangfirePath, $"Experiment {experimentId} does not exist.");
            }

            ExperimentSpec spec = experiment.Spec;
            string better = spec.Direction == MetricDirection.Maximize ? "higher is better" : "lower is better";
            var data = new Dictionary<string, string>
            {
                ["experiment-id"] = experimentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            return Page(options.Value, hangfirePath, spec.Name, "experiment", data, $"""
                <nav aria-label="Breadcrumb" class="breadcrumb"><a href="/">Experiments</a> <span aria-hidden="true">›</span> <span aria-current="page">{PageShell.Encode(spec.Name)}</span></nav>
                <h1>{PageShell.Encode(spec.Name)} <span id="experiment-status" class="badge status-{PageShell.Encode(experiment.Status.ToString().ToLowerInvariant())}">{PageShell.Encode(experiment.Status.ToString().ToLowerInvariant())}</span></h1>
                <p class="meta">Metric <strong>{PageShell.Encode(spec.MetricName)}</strong> ({better}) · up to {spec.MaxEpochs} epochs per trial</p>
                <section aria-labelledby="summary-heading">
                <h2 id="summary-heading" class="visually-hidden">Summary</h2>
                <div id="summary" class="cards"><p class="muted">Loading summary…</p></div>
                </section>
                <section aria-labelledby="curves-heading">
                <h2 id="curves-heading">Learning curves</h2>
                <p class="hint">One line per trial of the trials table's page. Hover over a curve, or press “Forecast” in the table, to see the LC-PFN's forecast for that trial from its last observed epoch to epoch {spec.MaxEpochs}: the dashed median and the 50% and 90% bands.</p>
                <div id="curves-chart" class="chart-box"></div>
                <p id="forecast-note" class="forecast-note" aria-live="polite"></p>
                <ul id="curves-legend" class="legend" aria-label="Legend"></ul>
                </section>
                <section aria-labelledby="best-heading">
                <h2 id="best-heading">What early stopping saved</h2>
                <p class="hint">The best value so far over the epochs spent on all trials; ticks mark where trials were stopped early, completed, paused or resumed, and the shaded span the epochs that stopping saved.</p>
                <div id="best-chart" class="chart-box"></div>
                <ul id="best-legend" class="legend" aria-label="Legend"></ul>
                </section>
                <section aria-labelledby="trials-heading">
                <h2 id="trials-heading">Trials</h2>
                <p class="filter"><label for="status-filter">Status</label>
                <select id="status-filter"><option value="">all</option><option value="pending">pending</option><option value="running">running</option><option value="paused">paused</option><option value="completed">completed</option><option value="stopped">stopped</option><option value="failed">failed</option></select></p>
                <div id="trials" class="table-region"><p class="muted">Loading trials…</p></div>
                </section>
                """);
        });

        endpoints.MapMethods("/trials/{trialId:long}", methods, async (long trialId, IExperimentStore store, IOptions<HpoDashboardOptions> options, HttpContext http) =>
        {
            TrialRecord? trial = await store.GetTrialAsync(trialId, http.RequestAborted);
            ExperimentRecord? experiment = trial is null ? null : await store.GetExperimentAsync(trial.ExperimentId, http.RequestAborted);
            if (trial is null || experiment is null)
            {
                return NotFound(options.Value, hangfirePath, $"Trial {trialId} does not exist.");
            }

            string experimentName = PageShell.Encode(experiment.Spec.Name);
            var data = new Dictionary<string, string>
            {
                ["trial-id"] = trialId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["experiment-id"] = experiment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            return Page(options.Value, hangfirePath, $"Trial #{trial.Number} of {experiment.Spec.Name}", "trial", data, $"""
                <nav aria-label="Breadcrumb" class="breadcrumb"><a href="/">Experiments</a> <span aria-hidden="true">›</span> <a href="/experiments/{experiment.Id}">{experimentName}</a> <span aria-hidden="true">›</span> <span aria-current="page">Trial #{trial.Number}</span></nav>
                <h1>Trial #{trial.Number} <span id="trial-status" class="badge status-{PageShell.Encode(trial.Status.ToString().ToLowerInvariant())}">{PageShell.Encode(trial.Status.ToString().ToLowerInvariant())}</span></h1>
                <p class="meta">Experiment <a href="/experiments/{experiment.Id}">{experimentName}</a> · metric <strong>{PageShell.Encode(experiment.Spec.MetricName)}</strong></p>
                <section aria-labelledby="details-heading">
                <h2 id="details-heading" class="visually-hidden">Details</h2>
                <div id="trial-details" class="details"><p class="muted">Loading…</p></div>
                </section>
                <section aria-labelledby="curve-heading">
                <h2 id="curve-heading">Learning curve</h2>
                <p class="hint">The observed curve and, for the epochs still to come, the LC-PFN's forecast given it: the dashed median and the 50% and 90% bands.</p>
                <div id="trial-chart" class="chart-box"></div>
                <p id="forecast-note" class="forecast-note" aria-live="polite"></p>
                <ul id="curves-legend" class="legend" aria-label="Legend"></ul>
                </section>
                <section aria-labelledby="decisions-heading">
                <h2 id="decisions-heading">Decisions</h2>
                <div id="decisions" class="table-region"><p class="muted">Loading decisions…</p></div>
                </section>
                """);
        });
    }

    private static IResult Page(HpoDashboardOptions options, string? hangfirePath, string title, string page, Dictionary<string, string> data, string mainHtml, int statusCode = StatusCodes.Status200OK) =>
        new HtmlPageResult(PageShell.Render(title, page, data, mainHtml, options.PollIntervalSeconds, hangfirePath), statusCode);

    private static IResult NotFound(HpoDashboardOptions options, string? hangfirePath, string message) =>
        Page(options, hangfirePath, "Not found", "error", new Dictionary<string, string>(), $"""
            <h1>Not found</h1>
            <p>{PageShell.Encode(message)}</p>
            <p><a href="/">Back to the experiments</a></p>
            """, StatusCodes.Status404NotFound);
}
