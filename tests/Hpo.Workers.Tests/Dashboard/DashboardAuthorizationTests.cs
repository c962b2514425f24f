using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hpo.Workers.Dashboard;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>
/// Who may see the dashboard: every Hpo page, the API and the Hangfire dashboard, for a local client, a
/// remote one (203.0.113.7, posed in-process) without, with a wrong and with the right credential.
/// </summary>
public sealed class DashboardAuthorizationTests
{
    private const string ApiKey = "k3y-for-tests-0123456789";
    private const string User = "ops";
    private const string Password = "correct horse battery";

    public static TheoryData<string> GuardedPaths => new()
    {
        "/",
        "/experiments/2",
        "/api/experiments",
        "/api/experiments/2/curves",
        "/hangfire",
        "/_hpo/assets/hpo.js",
    };

    [Theory]
    [MemberData(nameof(GuardedPaths))]
    public async Task Get_RemoteWithoutCredential_Returns401WithChallenge(string path)
    {
        await using var host = await StartAsync(remote: true, WithBothCredentials);
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Theory]
    [MemberData(nameof(GuardedPaths))]
    public async Task Get_RemoteWithWrongCredentials_Returns401(string path)
    {
        await using var host = await StartAsync(remote: true, WithBothCredentials);
        using HttpClient client = host.CreateClient();

        using var wrongHeader = new HttpRequestMessage(HttpMethod.Get, path);
        wrongHeader.Headers.Add(HpoDashboardOptions.ApiKeyHeaderName, ApiKey + "x");
        using HttpResponseMessage headerResponse = await client.SendAsync(wrongHeader);
        using HttpResponseMessage queryResponse = await client.GetAsync(WithQuery(path, "api_key=" + ApiKey[..^1]));
        using var wrongBasic = new HttpRequestMessage(HttpMethod.Get, path);
        wrongBasic.Headers.Authorization = Basic(User, Password + "!");
        using HttpResponseMessage basicResponse = await client.SendAsync(wrongBasic);

        Assert.Equal(HttpStatusCode.Unauthorized, headerResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, queryResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, basicResponse.StatusCode);
    }

    [Theory]
    [MemberData(nameof(GuardedPaths))]
    public async Task Get_RemoteWithRightCredential_Returns200ForEachKind(string path)
    {
        await using var host = await StartAsync(remote: true, WithBothCredentials);
        using HttpClient client = host.CreateClient();

        using var header = new HttpRequestMessage(HttpMethod.Get, path);
        header.Headers.Add(HpoDashboardOptions.ApiKeyHeaderName, ApiKey);
        using HttpResponseMessage headerResponse = await client.SendAsync(header);
        using HttpResponseMessage queryResponse = await client.GetAsync(WithQuery(path, "api_key=" + ApiKey));
        using var basic = new HttpRequestMessage(HttpMethod.Get, path);
        basic.Headers.Authorization = Basic(User, Password);
        using HttpResponseMessage basicResponse = await client.SendAsync(basic);

        Assert.Equal(HttpStatusCode.OK, headerResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queryResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basicResponse.StatusCode);
    }

    [Theory]
    [MemberData(nameof(GuardedPaths))]
    public async Task Get_LocalWithoutCredential_Returns200(string path)
    {
        await using var host = await StartAsync(remote: false, WithBothCredentials);
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(GuardedPaths))]
    public async Task Get_RemoteWhenNoCredentialConfigured_Returns403(string path)
    {
        await using var host = await StartAsync(remote: true, _ => { });
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync(WithQuery(path, "api_key=" + ApiKey));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Remote access", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_LocalWhenLocalAccessDisabled_NeedsTheCredential()
    {
        await using var host = await StartAsync(remote: false, o =>
        {
            o.ApiKey = ApiKey;
            o.AllowLocalRequestsWithoutCredential = false;
        });
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage without = await client.GetAsync("/api/experiments");
        using HttpResponseMessage with = await client.GetAsync("/api/experiments?api_key=" + ApiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }

    [Fact]
    public async Task Get_RemoteWithQueryKey_SetsCookieThatAuthorizesFollowUpRequests()
    {
        await using var host = await StartAsync(remote: true, o => o.ApiKey = ApiKey);
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage first = await client.GetAsync("/experiments/2?api_key=" + ApiKey);
        string cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        using var followUp = new HttpRequestMessage(HttpMethod.Get, "/api/experiments/2/summary");
        followUp.Headers.Add("Cookie", cookie.Split(';')[0]);
        using HttpResponseMessage followUpResponse = await client.SendAsync(followUp);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ApiKey, cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, followUpResponse.StatusCode);
    }

    [Fact]
    public async Task Get_RemoteUnauthorizedApi_AnswersJsonAndNoStore()
    {
        await using var host = await StartAsync(remote: true, o => o.ApiKey = ApiKey);
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/api/experiments");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains("\"error\":\"unauthorized\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static void WithBothCredentials(HpoDashboardOptions options)
    {
        options.ApiKey = ApiKey;
        options.BasicAuthUserName = User;
        options.BasicAuthPassword = Password;
    }

    private static async Task<DashboardTestHost> StartAsync(bool remote, Action<HpoDashboardOptions> configure)
    {
        DashboardSeed seed = await SharedSeed.Value;
        return await DashboardTestHost.StartInProcessAsync(seed.Store, remote ? DashboardTestHost.RemoteAddress : IPAddress.Loopback, configure);
    }

    private static string WithQuery(string path, string query) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    // Read-only tests share one seeded store: the dashboard never writes to it.
    private static readonly Lazy<Task<DashboardSeed>> SharedSeed = new(() => DashboardSeed.CreateAsync());
}
