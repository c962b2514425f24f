using System.Net;
using System.Text;
using Hpo.Workers.Dashboard;
using Hpo.Workers.Dashboard.Security;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hpo.Workers.Tests.Dashboard;

public sealed class DashboardAccessPolicyTests
{
    private const string Key = "0123456789abcdef0123";

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("203.0.113.7", false)]
    [InlineData("::ffff:203.0.113.7", false)]
    [InlineData("10.0.0.5", false)]
    public void IsLocal_RemoteAddress_IsLoopbackOnlyForLoopback(string address, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);

        Assert.Equal(expected, DashboardAccessPolicy.IsLocal(context.Connection));
    }

    [Fact]
    public void IsLocal_NoAddress_IsNotLocal()
    {
        Assert.False(DashboardAccessPolicy.IsLocal(new DefaultHttpContext().Connection));
    }

    [Fact]
    public void Evaluate_RemoteWithStaleCookieButRightBasicAuth_IsAllowed()
    {
        var policy = Policy(o =>
        {
            o.ApiKey = Key;
            o.BasicAuthUserName = "ops";
            o.BasicAuthPassword = "long enough password";
        });
        HttpContext context = Remote();
        context.Request.Headers.Cookie = $"{DashboardAccessPolicy.CookieName}=stale";
        context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:long enough password"));

        Assert.Equal(DashboardAccess.AllowedWithCredential, policy.Evaluate(context));
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic b3Bz")]
    public void Evaluate_RemoteWithMalformedBasicAuth_IsWrongCredential(string header)
    {
        var policy = Policy(o =>
        {
            o.BasicAuthUserName = "ops";
            o.BasicAuthPassword = "long enough password";
        });
        HttpContext context = Remote();
        context.Request.Headers.Authorization = header;

        Assert.Equal(DashboardAccess.WrongCredential, policy.Evaluate(context));
    }

    [Fact]
    public void Evaluate_RemoteApiKeyWhenOnlyBasicConfigured_IsWrongCredential()
    {
        var policy = Policy(o =>
        {
            o.BasicAuthUserName = "ops";
            o.BasicAuthPassword = "long enough password";
        });
        HttpContext context = Remote();
        context.Request.Headers[HpoDashboardOptions.ApiKeyHeaderName] = Key;

        Assert.Equal(DashboardAccess.WrongCredential, policy.Evaluate(context));
    }

    [Fact]
    public void Evaluate_RemoteWithCookieDerivedFromKey_IsAllowed()
    {
        var policy = Policy(o => o.ApiKey = Key);
        HttpContext context = Remote();
        context.Request.Headers.Cookie = $"{DashboardAccessPolicy.CookieName}={CredentialComparer.CookieToken(Key)}";

        Assert.Equal(DashboardAccess.AllowedWithCredential, policy.Evaluate(context));
    }

    [Theory]
    [InlineData("secret-value-1", "secret-value-1", true)]
    [InlineData("secret-value-1", "secret-value-2", false)]
    [InlineData("secret-value-1", "secret-value-1 ", false)]
    [InlineData("", "secret-value-1", false)]
    public void FixedTimeEquals_Strings_ComparesExactly(string supplied, string expected, bool equal)
    {
        Assert.Equal(equal, CredentialComparer.FixedTimeEquals(supplied, expected));
    }

    [Fact]
    public void CookieToken_IsDerivedNotTheKey()
    {
        string token = CredentialComparer.CookieToken(Key);

        Assert.NotEqual(Key, token);
        Assert.DoesNotContain(Key, token, StringComparison.Ordinal);
        Assert.Equal(token, CredentialComparer.CookieToken(Key));
        Assert.NotEqual(token, CredentialComparer.CookieToken(Key + "x"));
    }

    [Theory]
    [InlineData(false, null, false)]
    [InlineData(false, Key, true)]
    [InlineData(true, null, true)]
    public void HangfireFilter_OnItsOwn_AppliesTheSamePolicy(bool local, string? presentedKey, bool expected)
    {
        var filter = new HangfireAccessFilter(Policy(o => o.ApiKey = Key));
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Connection.RemoteIpAddress = local ? IPAddress.Loopback : DashboardTestHost.RemoteAddress;
        if (presentedKey is not null)
        {
            context.Request.Headers[HpoDashboardOptions.ApiKeyHeaderName] = presentedKey;
        }

        bool allowed = filter.Authorize(new AspNetCoreDashboardContext(new InMemoryStorage(), new Hangfire.DashboardOptions(), context));

        Assert.Equal(expected, allowed);
    }

    private static DashboardAccessPolicy Policy(Action<HpoDashboardOptions> configure)
    {
        var options = new HpoDashboardOptions();
        configure(options);
        return new DashboardAccessPolicy(Options.Create(options));
    }

    private static DefaultHttpContext Remote()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = DashboardTestHost.RemoteAddress;
        return context;
    }
}
