using System.Text;
using System.Text.Encodings.Web;

namespace Hpo.Workers.Dashboard.Pages;

/// <summary>
/// Renders the HTML shell every page shares: landmarks, navigation, the live-update status line and the
/// script that fills the page from the JSON API. Every dynamic value is HTML-encoded here.
/// </summary>
internal static class PageShell
{
    /// <summary>The Content-Security-Policy of the pages: only their own script, style and API; nothing inline, nothing remote.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    /// <summary>Renders a page.</summary>
    /// <param name="title">The page title (plain text).</param>
    /// <param name="page">Which page script runs: <c>experiments</c>, <c>experiment</c>, <c>trial</c> or <c>error</c>.</param>
    /// <param name="data">Extra <c>data-*</c> attributes of the body (plain text values).</param>
    /// <param name="mainHtml">The content of <c>main</c>, already encoded.</param>
    /// <param name="pollIntervalSeconds">How often the page refreshes itself.</param>
    /// <param name="hangfirePath">Where the Hangfire dashboard is, or null when it is not mounted.</param>
    public static string Render(string title, string page, IReadOnlyDictionary<string, string> data, string mainHtml, int pollIntervalSeconds, string? hangfirePath)
    {
        var attributes = new StringBuilder();
        attributes.Append(" data-page=\"").Append(Encode(page)).Append('"');
        attributes.Append(" data-poll-ms=\"").Append(pollIntervalSeconds * 1000).Append('"');
        foreach (var (key, value) in data)
        {
            attributes.Append(" data-").Append(Encode(key)).Append("=\"").Append(Encode(value)).Append('"');
        }

        string hangfireLink = hangfirePath is null
            ? string.Empty
            : $"""<li><a href="{Encode(hangfirePath)}">Jobs (Hangfire)</a></li>""";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(title)} · Hpo</title>
            <link rel="icon" href="{DashboardAssets.Url("favicon.svg")}" type="image/svg+xml">
            <link rel="stylesheet" href="{DashboardAssets.Url("hpo.css")}">
            <script src="{DashboardAssets.Url("hpo.js")}" defer></script>
            </head>
            <body{attributes}>
            <a class="skip-link" href="#main">Skip to content</a>
            <header class="site-header">
            <nav aria-label="Main"><ul>
            <li><a class="brand" href="/">Hpo</a></li>
            <li><a href="/">Experiments</a></li>
            {hangfireLink}
            </ul></nav>
            <p class="live-status"><span id="live-status">Loading…</span> <span id="live-error" role="status" aria-live="polite"></span></p>
            </header>
            <main id="main" tabindex="-1">
            {mainHtml}
            </main>
            <noscript><p class="notice">These pages need JavaScript to load their data; the same data is served as JSON under <a href="/api/experiments">/api</a>.</p></noscript>
            </body>
            </html>
            """;
    }
}
