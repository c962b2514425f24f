using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Dashboard.Security;

/// <summary>
/// Decides whether a request may see the dashboard: loopback clients by default, remote clients only
/// with a configured credential (API key in header, query or the cookie derived from it; or basic auth).
/// </summary>
internal sealed class DashboardAccessPolicy(IOptions<HpoDashboardOptions> options)
{
    /// <summary>The cookie that carries <see cref="CredentialComparer.CookieToken"/> for browsers that came with <c>?api_key=</c>.</summary>
    public const string CookieName = "hpo_dashboard_key";

    private enum CredentialCheck
    {
        None,
        Valid,
        ValidQueryKey,
        Invalid,
    }

    /// <summary>The settings in force.</summary>
    public HpoDashboardOptions Options => options.Value;

    /// <summary>Whether <paramref name="access"/> lets the request through.</summary>
    public static bool IsAllowed(DashboardAccess access) =>
        access is DashboardAccess.AllowedLocal or DashboardAccess.AllowedWithCredential or DashboardAccess.AllowedWithQueryApiKey;

    /// <summary>Whether the client is on this machine (its address is loopback, IPv4-mapped IPv6 included).</summary>
    public static bool IsLocal(ConnectionInfo connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        IPAddress? remote = connection.RemoteIpAddress;
        if (remote is null)
        {
            // No address (an in-process test host, a Unix socket): nothing proves the client is local.
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return IPAddress.IsLoopback(remote);
    }

    /// <summary>The verdict on <paramref name="context"/>'s request.</summary>
    public DashboardAccess Evaluate(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        HpoDashboardOptions settings = options.Value;
        CredentialCheck check = CheckCredentials(context.Request, settings);
        if (check == CredentialCheck.Valid)
        {
            return DashboardAccess.AllowedWithCredential;
        }

        if (check == CredentialCheck.ValidQueryKey)
        {
            return DashboardAccess.AllowedWithQueryApiKey;
        }

        if (settings.AllowLocalRequestsWithoutCredential && IsLocal(context.Connection))
        {
            return DashboardAccess.AllowedLocal;
        }

        if (!settings.HasCredential)
        {
            return DashboardAccess.RemoteDisabled;
        }

        return check == CredentialCheck.None ? DashboardAccess.MissingCredential : DashboardAccess.WrongCredential;
    }

    private static CredentialCheck CheckCredentials(HttpRequest request, HpoDashboardOptions settings)
    {
        bool presented = false;
        bool valid = false;
        bool validQuery = false;

        // Every presented credential is checked (no early exit), so the time taken does not tell which one matched.
        if (request.Headers.TryGetValue(HpoDashboardOptions.ApiKeyHeaderName, out var headerKey))
        {
            presented = true;
            valid |= MatchesApiKey(headerKey.ToString(), settings);
        }

        if (request.Query.TryGetValue(HpoDashboardOptions.ApiKeyQueryName, out var queryKey))
        {
            presented = true;
            bool match = MatchesApiKey(queryKey.ToString(), settings);
            validQuery |= match;
        }

        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            presented = true;
            valid |= MatchesBasic(authorization["Basic ".Length..].Trim(), settings);
        }

        if (request.Cookies.TryGetValue(CookieName, out string? cookie))
        {
            presented = true;
            valid |= settings.ApiKey is { } key && CredentialComparer.FixedTimeEquals(cookie, CredentialComparer.CookieToken(key));
        }

        if (valid)
        {
            return CredentialCheck.Valid;
        }

        if (validQuery)
        {
            return CredentialCheck.ValidQueryKey;
        }

        return presented ? CredentialCheck.Invalid : CredentialCheck.None;
    }

    private static bool MatchesApiKey(string supplied, HpoDashboardOptions settings) =>
        settings.ApiKey is { } key && CredentialComparer.FixedTimeEquals(supplied, key);

    private static bool MatchesBasic(string encoded, HpoDashboardOptions settings)
    {
        if (settings.BasicAuthUserName is not { } user || settings.BasicAuthPassword is not { } password)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return false;
        }

        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        // '&' rather than '&&': both halves are always compared.
        return CredentialComparer.FixedTimeEquals(decoded[..colon], user) & CredentialComparer.FixedTimeEquals(decoded[(colon + 1)..], password);
    }
}
