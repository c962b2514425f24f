using Microsoft.AspNetCore.Http;

namespace Hpo.Workers.Dashboard.Pages;

/// <summary>An HTML page with the headers every Hpo page carries (its Content-Security-Policy, no caching).</summary>
internal sealed class HtmlPageResult(string html, int statusCode) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = "text/html; charset=utf-8";
        httpContext.Response.Headers.ContentSecurityPolicy = PageShell.ContentSecurityPolicy;
        httpContext.Response.Headers.CacheControl = "no-cache";
        await httpContext.Response.WriteAsync(html, httpContext.RequestAborted);
    }
}
