using System.Net;
using Microsoft.AspNetCore.Http;

namespace Hpo.Workers.Dashboard.Security;

/// <summary>Tells which listen URLs expose the dashboard beyond this machine.</summary>
public static class ListenAddresses
{
    /// <summary>
    /// Whether <paramref name="url"/> (a Kestrel listen URL such as <c>http://127.0.0.1:5000</c>) binds only
    /// loopback. Wildcards (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>), other addresses and host names are not loopback.
    /// </summary>
    /// <param name="url">The URL as given to <c>--urls</c>.</param>
    /// <exception cref="FormatException">The URL is not a listen URL.</exception>
    public static bool IsLoopbackOnly(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        BindingAddress address = BindingAddress.Parse(url.Trim());
        if (address.IsUnixPipe || address.IsNamedPipe)
        {
            // A socket file or pipe is reachable only from this machine.
            return true;
        }

        string host = address.Host;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>The URLs among <paramref name="urls"/> that are not loopback-only.</summary>
    /// <param name="urls">Listen URLs.</param>
    public static IReadOnlyList<string> NonLoopback(IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Where(u => !IsLoopbackOnly(u)).ToList();
    }
}
