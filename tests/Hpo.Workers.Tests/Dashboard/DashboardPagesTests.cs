using System.Net;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The server-rendered page shells and their assets.</summary>
public sealed class DashboardPagesTests : IAsyncLifetime
{
    private DashboardSeed _seed = null!;
    private DashboardTestHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _seed = await DashboardSeed.CreateAsync();
        _host = await DashboardTestHost.StartInProcessAsync(_seed.Store, IPAddress.Loopback, o => o.PollIntervalSeconds = 3);
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ExperimentPage_Existing_RendersShellWithNameStrictCspAndPollInterval()
    {
        using HttpResponseMessage response = await _client.GetAsync($"/experiments/{_seed.Experiment.Id}");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>cifar10-resnet", html, StringComparison.Ordinal);
        Assert.Contains($"data-experiment-id=\"{_seed.Experiment.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-poll-ms=\"3000\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/hangfire\"", html, StringComparison.Ordinal);
        string csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExperimentPage_NameWithMarkup_IsEncoded()
    {
        var hostile = await _seed.Store.CreateExperimentAsync(_seed.Experiment.Spec with { Name = "<img src=x onerror=alert(1)>" });

        string html = await _client.GetStringAsync($"/experiments/{hostile.Id}");

        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/experiments/99")]
    [InlineData("/trials/999")]
    public async Task Page_UnknownId_Returns404Page(string url)
    {
        using HttpResponseMessage response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("does not exist", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrialPage_Existing_LinksBackToItsExperiment()
    {
        string html = await _client.GetStringAsync($"/trials/{_seed.Stopped.Id}");

        Assert.Contains($"Trial #{_seed.Stopped.Number}", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/experiments/{_seed.Experiment.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-trial-id=\"{_seed.Stopped.Id}\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hpo.js", "text/javascript")]
    [InlineData("hpo.css", "text/css")]
    [InlineData("favicon.svg", "image/svg+xml")]
    public async Task Asset_Embedded_IsServedWithETagAndRevalidates(string name, string mediaType)
    {
        using HttpResponseMessage first = await _client.GetAsync("/_hpo/assets/" + name);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/_hpo/assets/" + name);
        again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.Tag);
        using HttpResponseMessage second = await _client.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await first.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task Asset_Unknown_Returns404()
    {
        using HttpResponseMessage response = await _client.GetAsync("/_hpo/assets/missing.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
