namespace Hpo.Workers.Dashboard.Security;

/// <summary>The verdict on one request.</summary>
internal enum DashboardAccess
{
    /// <summary>From loopback, and local requests need no credential.</summary>
    AllowedLocal,

    /// <summary>A configured credential was presented.</summary>
    AllowedWithCredential,

    /// <summary>Like <see cref="AllowedWithCredential"/>, through the <c>api_key</c> query parameter (a browser gets the cookie).</summary>
    AllowedWithQueryApiKey,

    /// <summary>Remote, and no credential was presented (401).</summary>
    MissingCredential,

    /// <summary>A credential was presented and none matched (401).</summary>
    WrongCredential,

    /// <summary>Remote, and no credential is configured at all, so remote access is off (403).</summary>
    RemoteDisabled,
}
