using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hpo.Workers.Dashboard.Security;

/// <summary>
/// Guards every request of the app (Hpo pages, API, assets and the Hangfire dashboard): lets through
/// what <see cref="DashboardAccessPolicy"/> allows and answers 401/403 otherwise. Also sets the
/// headers every response should carry.
/// </summary>
internal sealed partial class DashboardAccessMiddleware(RequestDelegate next, DashboardAccessPolicy policy, ILogger<DashboardAccessMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // The API key may sit in the query string: a Referer header must never carry it elsewhere.
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.XFrameOptions = "DENY";

        DashboardAccess access = policy.Evaluate(context);
        if (DashboardAccessPolicy.IsAllowed(access))
        {
            if (access == DashboardAccess.AllowedWithQueryApiKey && policy.Options.ApiKey is { } key)
            {
                // A browser that opened a link with ?api_key= keeps access for the requests its pages
                // make themselves (API polls, the Hangfire dashboard's scripts) through this cookie.
                context.Response.Cookies.Append(DashboardAccessPolicy.CookieName, CredentialComparer.CookieToken(key), new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    Path = "/",
                    IsEssential = true,
                });
            }

            await next(context);
            return;
        }

        LogRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "(unknown)", context.Request.Method, context.Request.Path.Value ?? "/", access);
        bool forbidden = access == DashboardAccess.RemoteDisabled;
        string message = access switch
        {
            DashboardAccess.RemoteDisabled => "Remote access to the Hpo dashboard is off: it serves only this machine until an API key or basic-auth credential is configured (hpo dashboard --api-key or --basic-auth).",
            DashboardAccess.WrongCredential => "The credential presented is not valid.",
            _ => $"A credential is required: the {HpoDashboardOptions.ApiKeyHeaderName} header, the {HpoDashboardOptions.ApiKeyQueryName} query parameter or HTTP basic auth.",
        };
        context.Response.StatusCode = forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        context.Response.Headers.CacheControl = "no-store";
        if (!forbidden)
        {
            context.Response.Headers.WWWAuthenticate = policy.Options.HasBasicAuth
                ? "Basic realm=\"Hpo dashboard\", charset=\"UTF-8\""
                : $"ApiKey header=\"{HpoDashboardOptions.ApiKeyHeaderName}\"";
        }

        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            string error = forbidden ? "forbidden" : "unauthorized";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { error, message }), context.RequestAborted);
        }
        else
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(message, context.RequestAborted);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard refused {Method} {Path} from {RemoteAddress}: {Access}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress, string method, string path, DashboardAccess access);
}
