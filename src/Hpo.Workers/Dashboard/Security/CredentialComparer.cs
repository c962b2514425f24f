using System.Security.Cryptography;
using System.Text;

namespace Hpo.Workers.Dashboard.Security;

/// <summary>Compares secrets without leaking, through timing, how much of a guess was right or how long the secret is.</summary>
internal static class CredentialComparer
{
    private static readonly byte[] CookieLabel = Encoding.UTF8.GetBytes("hpo-dashboard-cookie-v1");

    /// <summary>Whether <paramref name="supplied"/> equals <paramref name="expected"/>, in time independent of both.</summary>
    public static bool FixedTimeEquals(string supplied, string expected)
    {
        // Hashing first makes the comparison length-independent: FixedTimeEquals alone returns early on a length mismatch.
        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(supplied), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>
    /// The value of the cookie that stands for <paramref name="apiKey"/> in a browser: derived from the key,
    /// so rotating the key invalidates it, and not the key itself, so the key never sits in a cookie jar.
    /// </summary>
    public static string CookieToken(string apiKey)
    {
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiKey), CookieLabel);
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
