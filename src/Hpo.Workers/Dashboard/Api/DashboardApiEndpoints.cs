using Hpo.Scheduler.Persistence;
using Hpo.Workers.Dashboard.Forecasts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>The read-only JSON API under <c>/api</c> (documented in Dashboard/README.md).</summary>
internal static class DashboardApiEndpoints
{
    public const int DefaultExperimentPageSize = 20;
    public const int DefaultTrialPageSize = 50;
    public const int DefaultCurvePageSize = 100;
    public const int DefaultDecisionPageSize = 100;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api");
        api.AddEndpointFilter(async (context, next) =>
        {
            // The store's typed errors become the API's error shape rather than a bare 500.
            try
            {
                return await next(context);
            }
            catch (NotFoundException ex)
            {
                return Error(StatusCodes.Status404NotFound, "not_found", ex.Message);
            }
            catch (HpoValidationException ex)
            {
                return Error(StatusCodes.Status400BadRequest, "bad_request", ex.Message);
            }
        });

        Get(api, "/experiments", async (HttpContext http, DashboardQueries queries) =>
            TryPage(http, DefaultExperimentPageSize, out var page, out var bad)
                ? Json(await queries.ListExperimentsAsync(page, http.RequestAborted))
                : bad);

        Get(api, "/experiments/{experimentId:long}", async (long experimentId, HttpContext http, DashboardQueries queries) =>
            await queries.GetExperimentAsync(experimentId, http.RequestAborted) is { } experiment
                ? Json(experiment)
                : ExperimentNotFound(experimentId));

        Get(api, "/experiments/{experimentId:long}/summary", async (long experimentId, HttpContext http, DashboardQueries queries) =>
            await queries.GetSummaryAsync(experimentId, http.RequestAborted) is { } summary
                ? Json(summary)
                : ExperimentNotFound(experimentId));

        Get(api, "/experiments/{experimentId:long}/trials", async (long experimentId, HttpContext http, DashboardQueries queries) =>
        {
            if (!TryPage(http, DefaultTrialPageSize, out var page, out var bad) || !TryStatus(http, out var status, out bad))
            {
                return bad;
            }

            return await queries.ListTrialsAsync(experimentId, page, status, http.RequestAborted) is { } trials
                ? Json(trials)
                : ExperimentNotFound(experimentId);
        });

        Get(api, "/experiments/{experimentId:long}/curves", async (long experimentId, HttpContext http, DashboardQueries queries) =>
        {
            if (!TryPage(http, DefaultCurvePageSize, out var page, out var bad) || !TryStatus(http, out var status, out bad))
            {
                return bad;
            }

            string? since = null;
            if (http.Request.Query.TryGetValue("since", out var sinceText) && !string.IsNullOrEmpty(sinceText))
            {
                if (!DashboardQueries.IsCursor(sinceText.ToString()))
                {
                    return Error(StatusCodes.Status400BadRequest, "bad_request", $"since must be a cursor as the last answer's 'cursor' gave it (8 hex digits, a dot and a number, such as 3f2a9c01.1200; got '{sinceText}').");
                }

                since = sinceText.ToString();
            }

            return await queries.ListCurvesAsync(experimentId, page, status, since, http.RequestAborted) is { } curves
                ? Json(curves)
                : ExperimentNotFound(experimentId);
        });

        Get(api, "/trials/{trialId:long}", async (long trialId, HttpContext http, DashboardQueries queries) =>
            await queries.GetTrialAsync(trialId, http.RequestAborted) is { } trial
                ? Json(trial)
                : TrialNotFound(trialId));

        Get(api, "/trials/{trialId:long}/curve", async (long trialId, HttpContext http, DashboardQueries queries) =>
            await queries.GetTrialCurveAsync(trialId, http.RequestAborted) is { } curve
                ? Json(curve)
                : TrialNotFound(trialId));

        Get(api, "/model", (DashboardForecaster forecaster) => Json(forecaster.Describe()));

        Get(api, "/trials/{trialId:long}/forecast", async (long trialId, HttpContext http, DashboardQueries queries, DashboardForecaster forecaster) =>
        {
            if (!forecaster.Available)
            {
                return Error(StatusCodes.Status404NotFound, "no_model", DashboardForecaster.NoModelMessage);
            }

            if (await queries.GetDecidingModelAsync(trialId, http.RequestAborted) is { } deciding && deciding != forecaster.ModelSha256)
            {
                return Error(
                    StatusCodes.Status409Conflict,
                    "model_mismatch",
                    $"Trial {trialId} was decided by the LC-PFN model {deciding}, but this dashboard holds {forecaster.ModelSha256}; start hpo dashboard with --model set to the workers' model to see its forecast.");
            }

            return await queries.GetForecastAsync(trialId, http.RequestAborted) is { } forecast
                ? Json(forecast)
                : TrialNotFound(trialId);
        });

        Get(api, "/trials/{trialId:long}/decisions", async (long trialId, HttpContext http, DashboardQueries queries) =>
        {
            if (!TryPage(http, DefaultDecisionPageSize, out var page, out var bad))
            {
                return bad;
            }

            return await queries.ListDecisionsAsync(trialId, page, http.RequestAborted) is { } decisions
                ? Json(decisions)
                : TrialNotFound(trialId);
        });
    }

    /// <summary>An error answer in the API's shape.</summary>
    public static IResult Error(int statusCode, string error, string message) =>
        Results.Json(new ErrorResponse(error, message), DashboardJson.Options, "application/json; charset=utf-8", statusCode);

    private static void Get(IEndpointRouteBuilder builder, string pattern, Delegate handler) =>
        builder.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], handler);

    private static IResult Json<T>(T value) => Results.Json(value, DashboardJson.Options, "application/json; charset=utf-8");

    private static IResult ExperimentNotFound(long experimentId) => Error(StatusCodes.Status404NotFound, "not_found", $"Experiment {experimentId} does not exist.");

    private static IResult TrialNotFound(long trialId) => Error(StatusCodes.Status404NotFound, "not_found", $"Trial {trialId} does not exist.");

    private static bool TryPage(HttpContext http, int defaultPageSize, out PageRequest page, out IResult bad)
    {
        bool ok = PageRequest.TryRead(http.Request.Query, defaultPageSize, out page, out string? error);
        bad = ok ? Results.Empty : Error(StatusCodes.Status400BadRequest, "bad_request", error!);
        return ok;
    }

    private static bool TryStatus(HttpContext http, out TrialStatus? status, out IResult bad)
    {
        status = null;
        bad = Results.Empty;
        if (!http.Request.Query.TryGetValue("status", out var text) || string.IsNullOrEmpty(text))
        {
            return true;
        }

        string value = text.ToString();
        if (!value.All(char.IsAsciiLetter) || !Enum.TryParse(value, ignoreCase: true, out TrialStatus parsed))
        {
            bad = Error(StatusCodes.Status400BadRequest, "bad_request", $"status must be one of {string.Join(", ", Enum.GetNames<TrialStatus>().Select(n => n.ToLowerInvariant()))} (got '{value}').");
            return false;
        }

        status = parsed;
        return true;
    }
}
