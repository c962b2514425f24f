using System.Net;
using System.Text.Json;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Schema;
using Hpo.Workers.Dashboard;
using Hpo.Workers.Dashboard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The dashboard over the real SQL store (Hpo.Storage on a SQLite file), wired as the CLI wires it.</summary>
public sealed class DashboardSqliteTests : IAsyncLifetime
{
    private const string ApiKey = "sqlite-test-key-0123456789";
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"hpo-dashboard-{Guid.NewGuid():N}.db");
    private WebApplication _app = null!;
    private DashboardSeed _seed = null!;

    public async Task InitializeAsync()
    {
        FakeTimeProvider time = DashboardSeed.NewClock();
        var builder = DashboardApplication.CreateBuilder(["http://127.0.0.1:0"], o => o.ApiKey = ApiKey, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddHpoStorage(o => o.Connection = _file);
        });
        builder.WebHost.UseTestServer();
        _app = DashboardApplication.Build(builder);
        await _app.Services.GetRequiredService<HpoDatabase>().MigrateAsync();
        _seed = await DashboardSeed.CreateAsync(_app.Services.GetRequiredService<IExperimentStore>(), time);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string path in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Summary_OverSqliteStore_MatchesWhatWasRecorded()
    {
        using HttpClient client = Client();

        using JsonDocument summary = JsonDocument.Parse(await client.GetStringAsync($"/api/experiments/{_seed.Experiment.Id}/summary"));
        using JsonDocument curves = JsonDocument.Parse(await client.GetStringAsync($"/api/experiments/{_seed.Experiment.Id}/curves"));

        Assert.Equal(_seed.Trials.Values.Sum(t => (long)t.LastEpoch), summary.RootElement.GetProperty("epochsSpent").GetInt64());
        Assert.Equal(2, summary.RootElement.GetProperty("trials").GetProperty("stopped").GetInt32());
        var stopped = curves.RootElement.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("trialId").GetInt64() == _seed.Stopped.Id);
        Assert.Equal(0.012, stopped.GetProperty("prediction").GetProperty("probabilityOfImprovement").GetDouble());
    }

    [Fact]
    public async Task ExperimentPage_OverSqliteStoreWithoutHangfire_RendersWithoutJobsLink()
    {
        using HttpClient client = Client();

        using HttpResponseMessage response = await client.GetAsync($"/experiments/{_seed.Experiment.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("cifar10-resnet", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/hangfire\"", html, StringComparison.Ordinal);
        using HttpResponseMessage hangfire = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.NotFound, hangfire.StatusCode);
    }

    private HttpClient Client()
    {
        // An in-process request has no client address, so it counts as remote: it presents the key.
        HttpClient client = _app.GetTestClient();
        client.DefaultRequestHeaders.Add(HpoDashboardOptions.ApiKeyHeaderName, ApiKey);
        return client;
    }
}
