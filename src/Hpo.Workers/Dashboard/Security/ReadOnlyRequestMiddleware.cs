using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Hpo.Workers.Dashboard.Security;

/// <summary>
/// Makes the Hpo pages and API read-only at the door: any method but GET or HEAD gets 405, whatever
/// the path, so nothing reached through them can change state. The Hangfire dashboard, which posts
/// its own commands (and obeys <see cref="HpoDashboardOptions.HangfireReadOnly"/>), is left to Hangfire.
/// </summary>
/// <remarks><c>hangfirePath</c> is <see cref="PathString.Empty"/> when Hangfire is not mounted.</remarks>
internal sealed class ReadOnlyRequestMiddleware(RequestDelegate next, PathString hangfirePath)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (hangfirePath.HasValue && context.Request.Path.StartsWithSegments(hangfirePath, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        bool api = context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            string message = $"The Hpo dashboard is read-only: {context.Request.Method} is not allowed; use GET.";
            if (api)
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = "method_not_allowed", message }), context.RequestAborted);
            }
            else
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(message, context.RequestAborted);
            }

            return;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            // HEAD runs the GET handler; its body is dropped here so that no server has to.
            context.Response.Body = Stream.Null;
        }

        if (api)
        {
            // Live data: a cached answer would show a stale experiment.
            context.Response.Headers.CacheControl = "no-store";
        }

        await next(context);
    }
}
