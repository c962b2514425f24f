using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Hpo.Workers.Dashboard.Pages;

/// <summary>The pages' script, style sheet and icon, embedded in the assembly so the dashboard needs no files on disk and no CDN.</summary>
internal static class DashboardAssets
{
    /// <summary>Where the assets are served.</summary>
    public const string BasePath = "/_hpo/assets";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>Serves the asset <paramref name="name"/>, honouring If-None-Match.</summary>
    public static IResult Serve(string name, HttpContext context)
    {
        if (!Assets.TryGetValue(name, out Asset? asset))
        {
            return Results.NotFound();
        }

        context.Response.Headers.ETag = asset.ETag;
        // Revalidate every time: the ETag makes that a 304, and a new build is never hidden behind a stale copy.
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    /// <summary>The URL of asset <paramref name="name"/>, with its version so a new build is fetched at once.</summary>
    public static string Url(string name) => $"{BasePath}/{name}?v={Assets[name].ETag.Trim('"')}";

    private static FrozenDictionary<string, Asset> Load()
    {
        Assembly assembly = typeof(DashboardAssets).Assembly;
        const string prefix = "HpoDashboard.";
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            byte[] content = buffer.ToArray();
            string name = resource[prefix.Length..];
            string etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"";
            assets[name] = new Asset(content, ContentTypeOf(name), etag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
